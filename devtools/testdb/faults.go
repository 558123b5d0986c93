package testdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgproto3"
)

// A Fault is a way for the database to fail a statement, as a FaultProxy
// plays it to the client: a PostgreSQL error (its SQLSTATE) or a connection
// reset.
type Fault string

// The faults of an outage: what a client meets while PostgreSQL restarts,
// fails over, crashes, is cancelling its statements, or the network drops.
const (
	AdminShutdown     Fault = "57P01" // FATAL: terminating connection due to administrator command
	CrashShutdown     Fault = "57P02" // FATAL: terminating connection because of crash of another server process
	CannotConnectNow  Fault = "57P03" // FATAL: the database system is starting up
	QueryCanceled     Fault = "57014" // ERROR: canceling statement due to statement timeout; the connection lives on
	ConnectionFailure Fault = "08006" // FATAL: connection failure
	ConnectionReset   Fault = "reset" // no answer: the TCP connection is reset
)

// Faults are all the faults, for a table of tests.
var Faults = []Fault{AdminShutdown, CrashShutdown, CannotConnectNow, QueryCanceled, ConnectionFailure, ConnectionReset}

// A FaultProxy stands between a client and PostgreSQL, passing the wire
// protocol through untouched until it is armed: then the nth statement that
// any client starts from then on (a simple query, or the first extended-protocol
// message after a Sync) never reaches the server, and the client gets the
// fault instead. A fatal error or a reset closes that connection, as the
// server would; for 57014 the proxy has the server itself raise the error in
// the statement's place, so the connection lives on and a transaction it was
// in has failed, as after a real statement timeout.
//
// It reads only the framing of the protocol (a type byte and a length), so
// it needs no TLS: give it a URL with sslmode=disable.
type FaultProxy struct {
	ln     net.Listener
	target string

	mu         sync.Mutex
	statements int   // statements started through the proxy
	fault      Fault // armed fault, "" when none
	at         int   // the value of statements at which it fires
	fired      int
	conns      map[net.Conn]struct{}
}

// NewFaultProxy starts a proxy in front of the server of databaseURL and
// returns it with the URL to give the client instead; it stops at the end of
// the test.
func NewFaultProxy(tb testing.TB, databaseURL string) (*FaultProxy, string) {
	tb.Helper()
	u, err := url.Parse(databaseURL)
	if err != nil {
		tb.Fatalf("testdb: fault proxy: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("testdb: fault proxy: %v", err)
	}
	p := &FaultProxy{ln: ln, target: u.Host, conns: map[net.Conn]struct{}{}}
	var wg sync.WaitGroup
	wg.Go(func() { p.accept(&wg) })
	tb.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		for c := range p.conns {
			c.Close()
		}
		p.mu.Unlock()
		wg.Wait()
	})
	u.Host = ln.Addr().String()
	return p, u.String()
}

// Statements returns how many statements clients have started through the
// proxy so far.
func (p *FaultProxy) Statements() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.statements
}

// Arm makes the nth statement from now (1 is the next) fail with f, once.
func (p *FaultProxy) Arm(f Fault, nth int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fault, p.at = f, p.statements+nth
}

// Disarm cancels an armed fault that has not fired, and returns how many
// faults have fired in all.
func (p *FaultProxy) Disarm() (fired int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fault = ""
	return p.fired
}

func (p *FaultProxy) accept(wg *sync.WaitGroup) {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return // closed
		}
		wg.Go(func() { p.serve(client) })
	}
}

// track adds c to the connections closed at cleanup, or removes it.
func (p *FaultProxy) track(c net.Conn, open bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if open {
		p.conns[c] = struct{}{}
	} else {
		delete(p.conns, c)
	}
}

// serve relays one client connection.
func (p *FaultProxy) serve(client net.Conn) {
	p.track(client, true)
	defer p.track(client, false)
	defer client.Close()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	p.track(server, true)
	defer p.track(server, false)
	defer server.Close()

	if !relayStartup(client, server) {
		return
	}
	c := &relay{client: client, server: server}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.fromServer()
	}()
	c.fromClient(p)
	server.Close()
	client.Close()
	<-done
}

// relayStartup passes the startup message through, refusing TLS and GSS
// encryption (the client then goes on in the clear or gives up).
func relayStartup(client, server net.Conn) bool {
	for {
		msg, err := readUntyped(client)
		if err != nil {
			return false
		}
		switch binary.BigEndian.Uint32(msg[4:8]) {
		case 80877103, 80877104: // SSLRequest, GSSENCRequest
			if _, err := client.Write([]byte{'N'}); err != nil {
				return false
			}
			continue
		}
		_, err = server.Write(msg)
		return err == nil
	}
}

// readUntyped reads a message without a type byte: the startup message.
func readUntyped(r io.Reader) ([]byte, error) {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, err
	}
	size := binary.BigEndian.Uint32(n[:])
	if size < 8 || size > 1<<16 {
		return nil, fmt.Errorf("startup message of %d bytes", size)
	}
	msg := make([]byte, size)
	copy(msg, n[:])
	_, err := io.ReadFull(r, msg[4:])
	return msg, err
}

// readTyped reads one message: a type byte, a length, the payload.
func readTyped(r io.Reader) ([]byte, error) {
	var head [5]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, err
	}
	size := binary.BigEndian.Uint32(head[1:])
	if size < 4 || size > 1<<30 {
		return nil, fmt.Errorf("message of %d bytes", size)
	}
	msg := make([]byte, 1+size)
	copy(msg, head[:])
	_, err := io.ReadFull(r, msg[5:])
	return msg, err
}

// A relay is one proxied connection after startup.
type relay struct {
	client, server net.Conn

	mu sync.Mutex // writes to client
}

// fromServer passes the server's messages to the client one whole message
// at a time, so that a fault's answer never lands inside one.
func (c *relay) fromServer() {
	for {
		msg, err := readTyped(c.server)
		if err != nil {
			c.client.Close()
			return
		}
		c.mu.Lock()
		_, err = c.client.Write(msg)
		c.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// fromClient passes the client's messages to the server, counting the
// statements they start, until the connection ends or a fault ends it.
func (c *relay) fromClient(p *FaultProxy) {
	inStatement := false // between the first message of an extended-protocol statement and its Sync
	swallowing := false  // replacing a statement with QueryCanceled: drop up to its Sync
	for {
		msg, err := readTyped(c.client)
		if err != nil {
			return
		}
		kind := msg[0]
		if swallowing {
			if kind == 'S' {
				swallowing = false
				if _, err := c.server.Write(cancelStatement); err != nil {
					return
				}
			}
			continue
		}
		starts := kind == 'Q' || (!inStatement && (kind == 'P' || kind == 'B' || kind == 'D' || kind == 'E'))
		switch {
		case kind == 'S':
			inStatement = false
		case kind != 'Q' && starts:
			inStatement = true
		}
		if starts {
			if f := p.count(); f != "" {
				if f != QueryCanceled {
					c.end(f)
					return
				}
				if kind != 'Q' {
					inStatement, swallowing = false, true
					continue
				}
				msg = cancelStatement
			}
		}
		if _, err := c.server.Write(msg); err != nil {
			return
		}
	}
}

// cancelStatement is the simple query that stands in for a statement the
// proxy fails with 57014: the server answers it with that error (and a
// ReadyForQuery), as it answers a statement cancelled by statement_timeout.
var cancelStatement = func() []byte {
	b, err := (&pgproto3.Query{String: `DO $$ BEGIN RAISE EXCEPTION 'testdb fault proxy: canceling statement due to statement timeout' USING ERRCODE = '57014'; END $$`}).Encode(nil)
	if err != nil {
		panic(err)
	}
	return b
}()

// count counts a statement and returns the fault it must meet, if any.
func (p *FaultProxy) count() Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.statements++
	if p.fault == "" || p.statements != p.at {
		return ""
	}
	f := p.fault
	p.fault = ""
	p.fired++
	return f
}

// end plays a fault that ends the connection: a reset, or a FATAL error as a
// server ending the connection sends (the caller then closes it).
func (c *relay) end(f Fault) {
	if f == ConnectionReset {
		if tcp, ok := c.client.(*net.TCPConn); ok {
			_ = tcp.SetLinger(0) // close sends RST
		}
		return
	}
	c.write(&pgproto3.ErrorResponse{Severity: "FATAL", SeverityUnlocalized: "FATAL", Code: string(f),
		Message: "testdb fault proxy: " + string(f)})
}

func (c *relay) write(m pgproto3.BackendMessage) {
	b, err := m.Encode(nil)
	if err != nil {
		panic(errors.New("testdb fault proxy: " + err.Error()))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	_, _ = c.client.Write(b)
}
