package broker_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"example.com/bookapp/shared/broker"
)

// loopback is a Remote whose other process is another Broker in this one:
// it tests the broker's side of the remote path (JSON in and out, the
// signature) without a transport. The NATS transport has its own tests, on
// a real server.
type loopback struct{ provider *broker.Broker }

func (l loopback) Ask(ctx context.Context, name string, req []byte) ([]byte, error) {
	return l.provider.Serve(ctx, name, req)
}

func (l loopback) Describe(_ context.Context, name string) (broker.Signature, error) {
	return l.provider.Signature(name)
}

// The provider's types, with everything the mapping rules look at.
type (
	Cents       int64
	remoteQuery struct {
		IDs   []uuid
		Since time.Time
		Limit int32 `json:"max"`
	}
	remoteLine struct {
		Price Cents
		Tags  map[string]bool
	}
	remoteEmbedded struct{ Note string }
	remoteReply    struct {
		remoteEmbedded
		Lines []remoteLine
		Best  *remoteLine
		Hash  [4]byte
		Extra string // the asker does not read it
	}
)

func remoteHandler(_ context.Context, q remoteQuery) (remoteReply, error) {
	if q.Limit < 0 {
		return remoteReply{}, errors.New("negative limit")
	}
	line := remoteLine{Price: Cents(len(q.IDs)) * 100, Tags: map[string]bool{q.Since.UTC().Format("2006"): true}}
	return remoteReply{remoteEmbedded: remoteEmbedded{Note: "ok"}, Lines: []remoteLine{line}, Best: &line, Hash: [4]byte{1, 2, 3, 4}, Extra: "x"}, nil
}

// The asker's own types: other names, the same fields.
type (
	askerQuery struct {
		IDs   []uuid
		Since time.Time
		Max   int32 `json:"max"`
	}
	askerLine struct {
		Price int64
		Tags  map[string]bool
	}
	askerReply struct {
		Note  string
		Lines []askerLine
		Best  *askerLine
		Hash  [4]uint8
	}
)

func TestRemoteAsk(t *testing.T) {
	ctx := context.Background()
	provider := broker.New()
	mustHandle(t, provider, "shop.remote", remoteHandler)
	asker := broker.New(broker.WithRemote(loopback{provider}))
	a := broker.Expect[askerQuery, askerReply](asker, "shop.remote")
	if err := asker.VerifyContext(ctx); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	since := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	q := askerQuery{IDs: []uuid{{1}, {2}}, Since: since, Max: 5}
	for name, ask := range map[string]func() (askerReply, error){
		"Asker":   func() (askerReply, error) { return a.Ask(ctx, q) },
		"by name": func() (askerReply, error) { return broker.Ask[askerQuery, askerReply](ctx, asker, "shop.remote", q) },
	} {
		got, err := ask()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := askerLine{Price: 200, Tags: map[string]bool{"2026": true}}
		if got.Note != "ok" || len(got.Lines) != 1 || got.Lines[0].Price != want.Price || !got.Lines[0].Tags["2026"] ||
			got.Best == nil || got.Best.Price != 200 || got.Hash != [4]uint8{1, 2, 3, 4} {
			t.Errorf("%s = %+v, want note ok, one line of 200 tagged 2026, the same best, hash 1 2 3 4", name, got)
		}
	}
	// The handler's error crosses (the transport keeps its kind; the
	// loopback, its value).
	if _, err := a.Ask(ctx, askerQuery{Max: -1}); err == nil || err.Error() != "negative limit" {
		t.Errorf("Ask with a negative limit: %v, want the handler's error", err)
	}
}

func TestRemoteVerify(t *testing.T) {
	ctx := context.Background()
	provider := broker.New()
	mustHandle(t, provider, "shop.remote", remoteHandler)

	t.Run("types that do not map are named by field", func(t *testing.T) {
		asker := broker.New(broker.WithRemote(loopback{provider}))
		broker.Expect[struct{ Since string }, struct{ Lines []struct{ Price string } }](asker, "shop.remote")
		err := asker.VerifyContext(ctx)
		var me *broker.MappingError
		if !errors.As(err, &me) {
			t.Fatalf("Verify = %v, want a *MappingError", err)
		}
		for _, want := range []string{"Since", "Lines[].Price"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("Verify = %v, want it to name %s", err, want)
			}
		}
	})
	t.Run("a name no process handles", func(t *testing.T) {
		asker := broker.New(broker.WithRemote(loopback{provider}))
		broker.Expect[askerQuery, askerReply](asker, "shop.missing")
		if err := asker.VerifyContext(ctx); !errors.Is(err, broker.ErrNoHandler) || !strings.Contains(err.Error(), "shop.missing") {
			t.Errorf("Verify = %v, want ErrNoHandler naming shop.missing", err)
		}
	})
	t.Run("a type other processes cannot know", func(t *testing.T) {
		p := broker.New()
		mustHandle(t, p, "shop.chan", func(context.Context, struct{ C chan int }) (struct{}, error) { return struct{}{}, nil })
		if _, err := p.Signature("shop.chan"); err == nil || !strings.Contains(err.Error(), "C: chan int") {
			t.Errorf("Signature = %v, want an error naming field C", err)
		}
		asker := broker.New(broker.WithRemote(loopback{p}))
		broker.Expect[struct{}, struct{}](asker, "shop.chan")
		if err := asker.VerifyContext(ctx); err == nil {
			t.Error("Verify of a handler whose request holds a channel: nil")
		}
	})
}

// A handler in this process is asked directly even with a remote: the
// remote carries only the names this process lacks.
func TestRemoteOnlyForMissingNames(t *testing.T) {
	ctx := context.Background()
	far := broker.New()
	mustHandle(t, far, "books.title", func(context.Context, handReq) (handRep, error) { return handRep{Title: "far"}, nil })
	near := broker.New(broker.WithRemote(loopback{far}))
	mustHandle(t, near, "books.title", title)
	got, err := broker.Ask[handReq, askRep](ctx, near, "books.title", handReq{1})
	if err != nil || got.Title != "book 1" {
		t.Errorf("Ask = %+v, %v, want the local handler's book 1", got, err)
	}
	if names := near.Names(); len(names) != 1 || names[0] != "books.title" {
		t.Errorf("Names = %v, want [books.title]", names)
	}
}
