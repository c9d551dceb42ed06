package region

// Source credits one body of reference data that easyjob ships or uses, for the about
// page and the NOTICE file.
type Source struct {
	Name    string // project or publisher, e.g. "Vonng/adcode"
	Licence string // e.g. "CC BY 4.0"; "none stated" when the source gives none
	URL     string // where to find it, as plain text
	Version string // commit or edition used
	What    string // what we take from it (English)
	Shipped bool   // embedded in the binary (false: used by tests and benchmarks only)
}

// Sources returns the credits for all reference data, in the order the about page
// shows them. The Vonng/adcode entry must be shown wherever the coordinates are shipped
// (CC BY 4.0 requires attribution).
func Sources() []Source {
	return []Source{
		{
			Name:    "Vonng/adcode",
			Licence: "CC BY 4.0",
			URL:     "https://github.com/Vonng/adcode",
			Version: "commit b755d6e",
			What:    "Coordinates of the seats of government of provinces, prefectures, counties and Shenzhen streets (converted from GCJ-02 to WGS-84 by us), and the record of superseded codes.",
			Shipped: true,
		},
		{
			Name:    "modood/Administrative-divisions-of-China",
			Licence: "WTFPL",
			URL:     "https://github.com/modood/Administrative-divisions-of-China",
			Version: "commit 78b6f36 (2020 edition of the National Bureau of Statistics codes)",
			What:    "Division codes and names: provinces, prefectures, counties, Shenzhen streets and the townships of the twinned counties.",
			Shipped: true,
		},
		{
			Name:    "yescallop/areacodes",
			Licence: "CC0 1.0",
			URL:     "https://github.com/yescallop/areacodes",
			What:    "Historical division codes used to match coordinates to the 2020 codes.",
			Shipped: true,
		},
		{
			Name:    "Tencent Location Service",
			Licence: "published district list",
			URL:     "https://lbs.qq.com (WebService district list)",
			Version: "district list v20231212",
			What:    "24 coordinates missing from Vonng/adcode.",
			Shipped: true,
		},
		{
			Name:    "Occupational Classification of the People's Republic of China, 2022 edition (中华人民共和国职业分类大典)",
			Licence: "national standard code list; flattened by solisamicus/occstructor (no licence stated)",
			URL:     "https://github.com/solisamicus/occstructor",
			Version: "commit 5885faa",
			What:    "Occupation codes and names: 8 major groups, 79 middle groups, 450 minor groups, 1,639 occupations.",
			Shipped: true,
		},
		{
			Name:    "Shenzhen twinning list (compiled by the easyjob project)",
			Licence: "facts compiled from public news pages",
			URL:     "evidence links per row in internal/region/data/twinning/",
			Version: "2016–2020",
			What:    "Counties paired with Shenzhen for poverty alleviation and the Shenzhen district responsible; several pairings are provisional.",
			Shipped: true,
		},
		{
			Name:    "CVRPLIB (Augerat et al. 1995; Uchoa et al. 2017, EJOR 257(3)), as redistributed by PyVRP/VRPLIB",
			Licence: "benchmark instances published for research",
			URL:     "https://github.com/PyVRP/VRPLIB",
			Version: "commit 0e44502",
			What:    "Vehicle-routing benchmark instances, used only by tests and benchmarks of the charter planner; not shipped.",
			Shipped: false,
		},
	}
}
