package occupation

import (
	"slices"
	"testing"

	"pgregory.net/rapid"
)

func TestEntryLevel(t *testing.T) {
	for _, c := range entryLevel {
		if !IsLeaf(c) {
			t.Errorf("entry-level code %s is not an occupation", c)
		}
	}
	if !EntryLevel("6-25-04-07") || !EntryLevel(" 4-09-08-01 ") {
		t.Error("电子设备装接工 and 保洁员 should be entry level")
	}
	for _, c := range []string{"6-18-02-04", "4-07-05-01", "4-02-02-02", "6-25-04", ""} {
		if EntryLevel(c) {
			t.Errorf("EntryLevel(%q) = true", c)
		}
	}
	if got := EntryLevelCodes(); !slices.Equal(got, entryLevel) {
		t.Errorf("EntryLevelCodes() = %v", got)
	}
}

func TestRelatedGroups(t *testing.T) {
	for _, p := range relatedGroups {
		for _, g := range p {
			if o, ok := Lookup(g); !ok || o.Level == LevelOccupation || o.Level == LevelMajor {
				t.Errorf("pair %v: %q is not a middle or minor group", p, g)
			}
		}
		if p[0][:4] == p[1][:4] {
			t.Errorf("pair %v is within one middle group", p)
		}
	}
	tests := []struct {
		code string
		want []string
	}{
		{"6-25-04-07", []string{"6-24", "6-31-03", "6-31-05"}},
		{"6-24-05-04", []string{"6-25", "6-31-03", "6-31-05"}},
		{"6-31-05-00", []string{"4-02-06", "6-24", "6-25"}},
		{"4-02-07-08", []string{"4-10-08"}},
		{"4-10-08-01", []string{"4-02-02", "4-02-07"}},
		{"4-03-02-05", []string{"4-01-02", "4-09-08", "4-10-01"}},
		{"4-03-01-02", []string{"4-09-08", "4-10-01"}},
		{"6-05", []string{"4-10-02", "6-04", "6-09"}},
		{"1-01-00-01", nil},
		{"9-99-99-99", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := RelatedGroups(tt.code); !slices.Equal(got, tt.want) {
			t.Errorf("RelatedGroups(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

// TestRelatedGroupsSymmetric: if an occupation of group B is related to group A, every
// occupation of group A is related to B or to a group holding B.
func TestRelatedGroupsSymmetric(t *testing.T) {
	leaves := All()
	rapid.Check(t, func(t *rapid.T) {
		a := leaves[rapid.IntRange(0, len(leaves)-1).Draw(t, "a")].Code
		for _, g := range RelatedGroups(a) {
			if g[:4] == a[:4] {
				t.Fatalf("%s: related group %s is in its own middle group", a, g)
			}
			for _, b := range leaves {
				if b.Code[:len(g)] != g {
					continue
				}
				back := false
				for _, h := range RelatedGroups(b.Code) {
					if a[:len(h)] == h {
						back = true
					}
				}
				if !back {
					t.Fatalf("%s relates to %s but %s does not relate back", a, g, b.Code)
				}
			}
		}
	})
}
