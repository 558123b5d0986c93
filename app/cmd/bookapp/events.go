package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"example.com/bookapp/orders"
	"example.com/bookapp/shared/outbox"
	"github.com/google/uuid"
)

// eventsCmd administers the integration events: the deliveries of the
// orders context's outbox (the only context that publishes).
func eventsCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const usage = `Usage: bookapp events <command> [flags]

Commands:
  list    the undelivered events by type and consumer (pending, parked, lag), then every parked delivery
  retry   make parked deliveries due again: -event ID [-consumer NAME] for one event, -all for every one
`
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"events: no command given"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "list", "retry":
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return usageError{fmt.Sprintf("events: unknown command %q", cmd)}
	}
	fs := flag.NewFlagSet("events "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	level := cfg.flags(fs, getenv)
	var (
		eventID  = new(string)
		consumer = new(string)
		all      = new(bool)
	)
	if cmd == "retry" {
		eventID = fs.String("event", "", "the id of the event whose parked deliveries to retry")
		consumer = fs.String("consumer", "", "with -event, retry only this consumer's delivery (for example books.sales)")
		all = fs.Bool("all", false, "retry every parked delivery")
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	var id uuid.UUID
	if cmd == "retry" {
		switch {
		case *all && (*eventID != "" || *consumer != ""):
			return usageError{"events retry: -all retries everything; give it alone, or -event ID [-consumer NAME]"}
		case !*all && *eventID == "":
			return usageError{"events retry: say which: -event ID [-consumer NAME], or -all"}
		case *eventID != "":
			var err error
			if id, err = uuid.Parse(*eventID); err != nil {
				return usageError{fmt.Sprintf("events retry: -event %q is not an event id (a UUID)", *eventID)}
			}
		}
	}
	if err := cfg.check(*level); err != nil {
		return err
	}
	log := cfg.logger(stderr) // stdout is for the report
	dbs, err := openMigrated(ctx, &cfg, []string{"orders"}, log)
	if err != nil {
		return err
	}
	defer dbs.closeAll()
	pool := dbs.pool("orders")
	events := orders.Outbox(pool)
	if cmd == "retry" {
		n, err := events.Retry(ctx, id, *consumer)
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("events retry: no parked delivery matched")
		}
		fmt.Fprintf(stdout, "%d parked deliveries are due again\n", n)
		return nil
	}
	return listEvents(ctx, events, stdout)
}

// listEvents prints the statistics of events' undelivered deliveries, then
// its parked ones.
func listEvents(ctx context.Context, events *outbox.Outbox, stdout io.Writer) error {
	stats, err := events.Stats(ctx)
	if err != nil {
		return err
	}
	parked, err := events.Parked(ctx)
	if err != nil {
		return err
	}
	if len(stats) == 0 {
		fmt.Fprintln(stdout, "every event has been delivered")
		return nil
	}
	w := tabwriter.NewWriter(stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(w, "TYPE\tCONSUMER\tPENDING\tPARKED\tLAG")
	for _, s := range stats {
		fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%s\n", s.Type, s.Consumer, s.Pending, s.Parked, s.Lag.Round(time.Millisecond))
	}
	if len(parked) > 0 {
		fmt.Fprintln(w, "\nPARKED EVENT\tTYPE\tCONSUMER\tATTEMPTS\tPARKED AT\tLAST ERROR")
		for _, p := range parked {
			fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%s\n", p.EventID, p.Type, p.Consumer, p.Attempts, p.ParkedAt.Format(time.RFC3339), p.LastError)
		}
	}
	return w.Flush()
}
