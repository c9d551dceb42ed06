package charter

import (
	"reflect"
	"testing"

	"easyjob/internal/charter/planner"
)

// The replan diff keeps numbers, numbers new charters after the highest,
// tells only riders whose charter or seat changed, and cancels the seats
// of riders no longer carried.
func TestDiffReplan(t *testing.T) {
	cur := current{
		charters:  []int64{10, 11},
		numberOf:  map[int64]int{10: 1, 11: 2},
		maxNumber: 2,
		seatOf: map[int64]ManifestRow{
			1: {SeatID: 100, SeatNo: 1},
			2: {SeatID: 101, SeatNo: 3},
			3: {SeatID: 102, SeatNo: 5},
			6: {SeatID: 103, SeatNo: 1},
		},
		charterOf: map[int64]int64{1: 10, 2: 10, 3: 10, 6: 11},
	}
	cp := planner.Plan{
		Charters: []planner.Charter{
			{Ref: 10, Seats: []planner.Seat{{Rider: 1, No: 1}, {Rider: 3, No: 3, Stop: 1}, {Rider: 4, No: 5}}},
			{Seats: []planner.Seat{{Rider: 2, No: 1}, {Rider: 5, No: 3}}},
		},
		Dropped: []int64{11},
		Moves:   []planner.Move{{Rider: 2, From: 10, ToIndex: 1}},
	}
	d := diffReplan(cur, cp)
	want := []charterDiff{
		{ref: 10, number: 1, plan: cp.Charters[0], seats: []seatDiff{
			{app: 1, seat: 100, no: 1, stop: 1},               // unchanged: not told
			{app: 3, seat: 102, no: 3, stop: 2, notify: true}, // another seat
			{app: 4, no: 5, stop: 1, notify: true},            // newcomer
		}},
		{ref: 0, number: 3, plan: cp.Charters[1], seats: []seatDiff{
			{app: 2, seat: 101, no: 1, stop: 1, notify: true}, // another charter
			{app: 5, no: 3, stop: 1, notify: true},            // newcomer
		}},
	}
	if !reflect.DeepEqual(d.charters, want) {
		t.Errorf("charters\n got %+v\nwant %+v", d.charters, want)
	}
	if len(d.cancel) != 1 || d.cancel[0].SeatID != 103 {
		t.Errorf("cancelled %+v, want seat 103", d.cancel)
	}
	if !reflect.DeepEqual(d.drop, []int64{11}) {
		t.Errorf("dropped %v", d.drop)
	}
	if !reflect.DeepEqual(d.moves, []riderMove{{app: 2, from: 1, to: 3}}) {
		t.Errorf("moves %+v", d.moves)
	}
}

func TestStatuses(t *testing.T) {
	for _, tc := range []struct {
		s                                    SeatStatus
		active, assigned, boarded, cancelled bool
	}{
		{SeatAssigned, true, true, false, false},
		{SeatBoarded, true, false, true, false},
		{SeatNoShow, false, false, false, false},
		{SeatCancelled, false, false, false, true},
	} {
		if tc.s.Active() != tc.active || tc.s.Assigned() != tc.assigned || tc.s.Boarded() != tc.boarded || tc.s.Cancelled() != tc.cancelled {
			t.Errorf("seat %q", tc.s)
		}
	}
	for _, tc := range []struct {
		s                                 Status
		boardable, replannable, cancelled bool
	}{
		{Planned, true, true, false},
		{Boarding, true, false, false},
		{Departed, false, false, false},
		{Arrived, false, false, false},
		{Cancelled, false, false, true},
	} {
		if tc.s.Boardable() != tc.boardable || tc.s.Replannable() != tc.replannable || tc.s.Cancelled() != tc.cancelled {
			t.Errorf("charter %q", tc.s)
		}
	}
}
