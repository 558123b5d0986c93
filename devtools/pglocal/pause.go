package pglocal

import (
	"context"
	"errors"
	"time"
)

// Pause stops the server as Stop does (fast shutdown) but keeps the cluster:
// its directory, data and port stay, so Resume can start the same server
// again. It is for tests of what a client does while its database is away and
// after it comes back. Stop still stops and removes a paused cluster.
//
// A server that Start found already running is not this Cluster's to pause.
// Pause, Resume and Stop must not run concurrently.
func (c *Cluster) Pause(ctx context.Context) error {
	if c.paused {
		return nil
	}
	if c.cmd == nil {
		return errors.New("pglocal: Pause: the server was not started by this Cluster")
	}
	start := time.Now()
	err := c.shutdown(ctx)
	c.cmd, c.paused = nil, true
	if err != nil {
		return err
	}
	c.log.Info("pglocal: paused", "dir", c.dir, "took", time.Since(start))
	return nil
}

// Resume starts a paused cluster's server again, on the same port and data
// directory, and returns once it accepts connections. Connection URLs made
// before Pause work again.
func (c *Cluster) Resume(ctx context.Context) error {
	if !c.paused {
		return errors.New("pglocal: Resume: the cluster is not paused")
	}
	if err := c.run(ctx, c.bin, c.runAs, c.port, c.fastUnsafe); err != nil {
		return err // run's errors name pglocal and carry the server log
	}
	c.paused = false
	return nil
}
