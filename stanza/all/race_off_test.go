//go:build !race

package all_test

// raceEnabled: the race detector is on, and sync.Pool drops values at
// random, so that pooled calls allocate.
const raceEnabled = false
