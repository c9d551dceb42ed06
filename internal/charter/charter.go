// Package charter is the charter system (点对点包车): pickup points, plans
// of a day's buses, seats, boarding, departure, arrival and boarding passes.
// An officer plans from one pickup point, prints the manifests, boards the
// riders and departs; the employer confirms each arrival. See
// docs/CHARTERS.md.
//
// Its tables are pickup_points, employer_points, posting_sites, plans,
// charters, charter_stops, charter_seats, charter_holds and
// charter_travel; it writes no others. A plan for a date takes the riders
// whose departure day (DepartureDay, from the offer's start date) is that
// date, leaving out hires who travel on their own (riders.go). It reads
// applications, postings, employers and seekers, moves applications only
// through store.Transition, reads county risk through the epidemic system,
// and leaves the planning itself to the pure package charter/planner.
//
// A charter's seats are counted in charters.taken, which only a conditional
// update raises (taken < allowed) in the transaction that inserts or moves
// the seat; CHECK (taken <= allowed) backs it.
package charter

import (
	"easyjob/internal/epidemic"
	"easyjob/internal/store"
)

// Service is the charter system on the store's kernel.
type Service struct {
	S    *store.Store
	Risk *epidemic.Service // the health gate reads county risk from it
}

// SeatStatus is where a rider's seat stands.
type SeatStatus string

// Seat statuses, as stored in charter_seats.status.
const (
	SeatAssigned  SeatStatus = "assigned"
	SeatBoarded   SeatStatus = "boarded"
	SeatNoShow    SeatStatus = "no_show"
	SeatCancelled SeatStatus = "cancelled"
)

// Active tells whether the seat holds a place on its charter (counted in
// charters.taken): assigned or boarded.
func (s SeatStatus) Active() bool { return s == SeatAssigned || s == SeatBoarded }

// Assigned tells whether the rider has a seat and has not boarded yet: the
// seat can be boarded, moved, or given up as a no-show.
func (s SeatStatus) Assigned() bool { return s == SeatAssigned }

// Boarded tells whether the rider has boarded.
func (s SeatStatus) Boarded() bool { return s == SeatBoarded }

// Cancelled tells whether the seat was given up (a replan or a move).
func (s SeatStatus) Cancelled() bool { return s == SeatCancelled }

// Status is where a charter stands.
type Status string

// Charter statuses, as stored in charters.status.
const (
	Planned   Status = "planned"
	Boarding  Status = "boarding"
	Departed  Status = "departed"
	Arrived   Status = "arrived"
	Cancelled Status = "cancelled"
)

// Boardable tells whether riders may still board, be added or be moved:
// planned or boarding.
func (s Status) Boardable() bool { return s == Planned || s == Boarding }

// Replannable tells whether the charter may be replanned: nobody has
// boarded it yet.
func (s Status) Replannable() bool { return s == Planned }

// Cancelled tells whether the charter was dropped by a replan.
func (s Status) Cancelled() bool { return s == Cancelled }

// DefaultHealthHours is how recent a green health status must be, before
// departure, for a seeker to ride.
const DefaultHealthHours = 48

// planSeed and planIterations make a plan depend only on its input, so the
// preview an officer saw is the plan confirmed.
const (
	planSeed       = 2020
	planIterations = 3000
)
