package store

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"easyjob/internal/easyjob"
	"easyjob/internal/match"
)

// What Candidates needs besides the ranking, kept in memory by Matching so
// that a posting's candidates read nothing from the database in the common
// case (issue #11: two random reads of 20 rows, over 1M seekers and over
// 930k applications, were a quarter of the API mix's CPU):
//
//   - appliedSet: which seekers applied to which employers (any
//     application, in any state: the rule that lets an employer see a
//     candidate's contact). Applications are never deleted, so the set only
//     grows: it is read once in the background after a build, and every
//     application followed since the build started — made by this process
//     (Apply) or found by the poll — is added to it. Until it is read,
//     Candidates asks the database.
//   - seekerCache: seekers as officers see candidates (Mask), never their
//     name, ID number or phone in clear; bounded, emptied on a new day (the
//     age) and forgetting a seeker whenever the matching index follows a
//     change of theirs (this process at once, others within a second).
//     Contact details for an employer are read from the database, audited,
//     as before.

// appliedSet is the set of (seeker, employer) pairs with an application.
type appliedSet struct {
	base atomic.Pointer[[]uint64] // sorted pairs read after the last build; nil until then
	gen  atomic.Uint64            // a build started: a load of an older one is dropped
	mu   sync.RWMutex
	more map[uint64]struct{} // pairs followed since the build
}

// appliedKey packs a pair; ok is false for ids that do not fit (then the
// database answers).
func appliedKey(seekerID, employerID int64) (uint64, bool) {
	if seekerID <= 0 || employerID <= 0 || seekerID >= 1<<32 || employerID >= 1<<32 {
		return 0, false
	}
	return uint64(seekerID)<<32 | uint64(employerID), true
}

// add records a pair followed since the build.
func (a *appliedSet) add(seekerID, employerID int64) {
	k, ok := appliedKey(seekerID, employerID)
	if !ok {
		return
	}
	a.mu.Lock()
	if a.more == nil {
		a.more = map[uint64]struct{}{}
	}
	a.more[k] = struct{}{}
	a.mu.Unlock()
}

// has tells whether the seeker applied to the employer; ok is false when
// the set cannot tell (not read yet, or ids out of range).
func (a *appliedSet) has(seekerID, employerID int64) (applied, ok bool) {
	base := a.base.Load()
	k, fits := appliedKey(seekerID, employerID)
	if base == nil || !fits {
		return false, false
	}
	if _, found := slices.BinarySearch(*base, k); found {
		return true, true
	}
	a.mu.RLock()
	_, found := a.more[k]
	a.mu.RUnlock()
	return found, true
}

// building forgets the base: a build reloads it (rows loaded in bulk are
// not followed one by one). It returns the generation a load must match.
func (a *appliedSet) building() uint64 {
	a.base.Store(nil)
	return a.gen.Add(1)
}

// loadApplied reads every (seeker, employer) pair with an application, for
// the build of generation gen. The pairs followed meanwhile are in more:
// the poll follows every application with an id above the highest one
// known at the build, or updated since it started.
func (m *Matching) loadApplied(ctx context.Context, gen uint64) error {
	employer := map[int64]int64{}
	rows, err := m.s.DB.R.QueryContext(ctx, `SELECT id, employer_id FROM postings`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, emp int64
		if err := rows.Scan(&id, &emp); err != nil {
			rows.Close()
			return err
		}
		employer[id] = emp
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var pairs []uint64
	rows, err = m.s.DB.R.QueryContext(ctx, `SELECT seeker_id, posting_id FROM applications`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k, p int64
		if err := rows.Scan(&k, &p); err != nil {
			return err
		}
		emp, ok := employer[p]
		if !ok {
			continue // a posting written after the first read: its applications are newer still
		}
		key, fits := appliedKey(k, emp)
		if !fits {
			return nil // the database answers
		}
		pairs = append(pairs, key)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	slices.Sort(pairs)
	pairs = slices.Compact(pairs)
	pairs = slices.Clip(pairs)
	if m.applied.gen.Load() == gen {
		m.applied.base.Store(&pairs)
	}
	return nil
}

// seekerCacheMax bounds the seekers kept as candidates show them (about
// half a kilobyte each).
const seekerCacheMax = 100_000

// seekerCache holds seekers masked as officers see candidates (Mask).
type seekerCache struct {
	mu  sync.Mutex
	day match.Date
	gen uint64 // moves on every forget: a read begun before it is not kept
	m   map[int64]easyjob.Seeker
}

// get returns the seekers held for day, the ids missing and the
// generation to put the missing ones with.
func (c *seekerCache) get(day match.Date, ids []int64) (map[int64]easyjob.Seeker, []int64, uint64) {
	out := make(map[int64]easyjob.Seeker, len(ids))
	var missing []int64
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.day != day {
		c.day, c.m = day, nil
		c.gen++
	}
	for _, id := range ids {
		if k, ok := c.m[id]; ok {
			out[id] = k
		} else {
			missing = append(missing, id)
		}
	}
	return out, missing, c.gen
}

// put keeps masked seekers read at generation gen, unless a seeker
// changed (or the day turned) since.
func (c *seekerCache) put(day match.Date, gen uint64, ks []easyjob.Seeker) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || c.day != day {
		return
	}
	if c.m == nil || len(c.m)+len(ks) > seekerCacheMax {
		c.m = make(map[int64]easyjob.Seeker, len(ks))
	}
	for _, k := range ks {
		c.m[k.ID] = k
	}
}

// forget drops seekers that changed; nil drops all.
func (c *seekerCache) forget(ids []int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if ids == nil {
		c.m = nil
		return
	}
	for _, id := range ids {
		delete(c.m, id)
	}
}

// postingOwner returns a live posting's employer and district from memory.
func (m *Matching) postingOwner(id int64) (employer int64, district string, ok bool) {
	m.pmu.RLock()
	defer m.pmu.RUnlock()
	x, ok := m.posts[id]
	if !ok {
		return 0, "", false
	}
	return x.EmployerID, x.District, true
}

// candidateSeekers returns the seekers ids as officers see candidates
// (masked), from memory, reading those missing, and whether each applied
// to the employer. ok is false when the applied set is not read yet.
func (m *Matching) candidateSeekers(ctx context.Context, ids []int64, employerID int64) (_ map[int64]easyjob.Seeker, applied map[int64]bool, ok bool, _ error) {
	applied = make(map[int64]bool, len(ids))
	for _, id := range ids {
		yes, known := m.applied.has(id, employerID)
		if !known {
			return nil, nil, false, nil
		}
		if yes {
			applied[id] = true
		}
	}
	day := m.today()
	out, missing, gen := m.cand.get(day, ids)
	if len(missing) == 0 {
		return out, applied, true, nil
	}
	read, err := m.s.seekersByID(ctx, missing)
	if err != nil {
		return nil, nil, false, err
	}
	masked := make([]easyjob.Seeker, 0, len(read))
	for _, k := range read {
		k = Mask(k)
		out[k.ID] = k
		masked = append(masked, k)
	}
	m.cand.put(day, gen, masked)
	return out, applied, true, nil
}

// seekersByID reads seekers by id, decrypted (callers mask).
func (s *Store) seekersByID(ctx context.Context, ids []int64) (map[int64]easyjob.Seeker, error) {
	out := make(map[int64]easyjob.Seeker, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	cond, args := inList("s.id", ids)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+seekerCols+` FROM seekers s WHERE `+cond, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		k, err := s.scanSeeker(rows)
		if err != nil {
			return nil, err
		}
		out[k.ID] = k
	}
	return out, rows.Err()
}

// appliedToEmployer reads which of the seekers applied to one of the
// employer's postings.
func (s *Store) appliedToEmployer(ctx context.Context, ids []int64, employerID int64) (map[int64]bool, error) {
	cond, args := inList("a.seeker_id", ids)
	args = append(args, employerID)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT DISTINCT a.seeker_id FROM applications a JOIN postings p ON p.id = a.posting_id
		WHERE `+cond+` AND p.employer_id = $`+itoa(len(args)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	applied := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		applied[id] = true
	}
	return applied, rows.Err()
}
