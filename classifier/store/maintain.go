package store

import (
	"context"
	"time"
)

// MaintenanceConfig configures Maintain.
type MaintenanceConfig struct {
	// Interval between runs. Default 1h; partitions exist a week ahead, so
	// a missed run or two costs nothing.
	Interval time.Duration
	// Retention drops partitions whose day ended longer ago than this.
	// Zero keeps everything.
	Retention time.Duration
}

// MaintainOnce creates the partitions of the Behind..Ahead window and, if
// retention > 0, drops those older than retention.
func (s *Store) MaintainOnce(ctx context.Context, retention time.Duration) error {
	now := s.opts.Now()
	today := day(now)
	if err := s.refreshDays(ctx); err != nil {
		return err
	}
	if err := s.EnsurePartitions(ctx, today.AddDate(0, 0, -s.opts.Behind), today.AddDate(0, 0, s.opts.Ahead)); err != nil {
		return err
	}
	if retention > 0 {
		if _, err := s.DropPartitionsBefore(ctx, now.Add(-retention)); err != nil {
			return err
		}
	}
	return nil
}

// Maintain runs MaintainOnce now and then every Interval until ctx is done.
// Failures are logged and retried at the next tick; it returns when ctx is
// done.
func (s *Store) Maintain(ctx context.Context, cfg MaintenanceConfig) {
	if cfg.Interval <= 0 {
		cfg.Interval = time.Hour
	}
	t := time.NewTicker(cfg.Interval)
	defer t.Stop()
	for {
		if err := s.MaintainOnce(ctx, cfg.Retention); err != nil && ctx.Err() == nil {
			s.log.Warn("partition maintenance failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
