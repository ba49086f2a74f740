package botset

import "runtime"

// waiting reports 1 while a lookup of id runs, 0 otherwise.
func (c *Cache[B]) waiting(id string) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if _, ok := c.flights[id]; ok {
		return 1
	}
	return 0
}

// waiters reports how many lookups wait for the running lookup of id.
func (c *Cache[B]) waiters(id string) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if f, ok := c.flights[id]; ok {
		return f.waiters
	}
	return 0
}

func runtimeGosched() { runtime.Gosched() }
