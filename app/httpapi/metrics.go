package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"example.com/bookapp/shared/broker"
	"example.com/bookapp/shared/outbox"
)

// Metrics is the app's Prometheus registry and the instruments the router
// and the broker report to; GET /metrics serves it. The app makes one with
// NewMetrics, hands its ObserveAsk to broker.New and the Metrics itself to New
// through Deps. It is safe for concurrent use.
//
// Requests are labelled by chi's route pattern (/api/books/{id}), never by
// the path, so a client cannot grow the series without bound: a path that
// matches no route counts as route "unmatched", and a method outside the
// standard ones as "OTHER".
type Metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec   // by context, route, method, status
	latency  *prometheus.HistogramVec // by context, route, method
	inFlight prometheus.Gauge
	asks     *prometheus.HistogramVec // by name, outcome
}

// A PoolStater reports the statistics of a connection pool; *pgxpool.Pool is
// one.
type PoolStater interface {
	Stat() *pgxpool.Stat
}

// latencyBuckets suit a fast API: from half a millisecond (a cached read) to
// 2.5 s (something is wrong); slower answers land in +Inf.
var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}

// NewMetrics returns the app's metrics on a registry of their own (nothing
// global), with the Go runtime's and the process's collectors; WatchPool and
// WatchEvents add the database's.
func NewMetrics() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bookapp_http_requests_total",
			Help: "HTTP requests answered, by bounded context, route pattern, method and status.",
		}, []string{"context", "route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "bookapp_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by bounded context, route pattern and method.",
			Buckets: latencyBuckets,
		}, []string{"context", "route", "method"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "bookapp_http_requests_in_flight",
			Help: "HTTP requests being answered now.",
		}),
		asks: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "bookapp_broker_ask_duration_seconds",
			Help: "Time a broker Ask took, by handler name and outcome " +
				"(ok, error, no_handler, panic, mapping_error, canceled, timeout).",
			Buckets: latencyBuckets,
		}, []string{"name", "outcome"}),
	}
	m.registry.MustRegister(m.requests, m.latency, m.inFlight, m.asks,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// WatchPool adds the statistics of a connection pool to the metrics, read at
// each scrape: bookapp_db_pool_* with the label pool="name" (the app has
// two: "requests" and "background").
func (m *Metrics) WatchPool(name string, pool PoolStater) {
	m.registry.MustRegister(newPoolCollector(name, pool))
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// ObserveAsk records one broker Ask. Its signature is broker.Observer's, so
// the app passes it to broker.New as broker.WithObserver(m.ObserveAsk).
func (m *Metrics) ObserveAsk(name string, d time.Duration, err error) {
	m.asks.WithLabelValues(name, askOutcome(err)).Observe(d.Seconds())
}

// askOutcome sorts an Ask's error into a few labels: what went wrong, not the
// error's text.
func askOutcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, broker.ErrNoHandler):
		return "no_handler"
	case errors.Is(err, broker.ErrHandlerPanic):
		return "panic"
	case errors.As(err, new(*broker.MappingError)):
		return "mapping_error"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	default:
		return "error"
	}
}

// instrument counts and times every request by the route pattern chi matched.
// It must wrap the router (r.Use on the top mux): the pattern is known only
// once routing is done, which is after next returns.
func (m *Metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK // the handler wrote nothing: net/http sends 200
		}
		route := routeOf(r)
		bc, method := contextOf(route), methodOf(r.Method)
		m.requests.WithLabelValues(bc, route, method, strconv.Itoa(status)).Inc()
		m.latency.WithLabelValues(bc, route, method).Observe(time.Since(start).Seconds())
	})
}

// routeOf is the pattern of the route that answered r, or "unmatched".
func routeOf(r *http.Request) string {
	if p := chi.RouteContext(r.Context()).RoutePattern(); p != "" {
		return p
	}
	return "unmatched"
}

// contextOf names the bounded context that owns route; operational endpoints
// and unmatched paths are "ops".
func contextOf(route string) string {
	switch {
	case under(route, "/api/books"), under(route, "/api/tags"):
		return "books"
	case under(route, "/api/orders"):
		return "orders"
	case under(route, "/api/users"), under(route, "/api/auth"):
		return "users"
	default:
		return "ops"
	}
}

// under reports whether route is prefix or below it.
func under(route, prefix string) bool {
	rest, ok := strings.CutPrefix(route, prefix)
	return ok && (rest == "" || rest[0] == '/')
}

// methodOf keeps the standard methods and folds any other into "OTHER": the
// method is the client's to choose, the label set is not.
func methodOf(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "OTHER"
}

// poolCollector reads the pool's statistics at each scrape.
type poolCollector struct {
	pool    PoolStater
	metrics []poolMetric
}

// poolMetric is one statistic of pgxpool.Stat.
type poolMetric struct {
	desc  *prometheus.Desc
	kind  prometheus.ValueType
	value func(*pgxpool.Stat) float64
}

func newPoolCollector(poolName string, pool PoolStater) *poolCollector {
	labels := prometheus.Labels{"pool": poolName}
	metric := func(name, help string, kind prometheus.ValueType, value func(*pgxpool.Stat) float64) poolMetric {
		return poolMetric{prometheus.NewDesc("bookapp_db_pool_"+name, help, nil, labels), kind, value}
	}
	gauge, counter := prometheus.GaugeValue, prometheus.CounterValue
	return &poolCollector{pool: pool, metrics: []poolMetric{
		metric("acquired_connections", "Connections in use now.", gauge,
			func(s *pgxpool.Stat) float64 { return float64(s.AcquiredConns()) }),
		metric("idle_connections", "Open connections waiting in the pool now.", gauge,
			func(s *pgxpool.Stat) float64 { return float64(s.IdleConns()) }),
		metric("constructing_connections", "Connections being opened now.", gauge,
			func(s *pgxpool.Stat) float64 { return float64(s.ConstructingConns()) }),
		metric("total_connections", "Connections in the pool now: acquired, idle and being opened.", gauge,
			func(s *pgxpool.Stat) float64 { return float64(s.TotalConns()) }),
		metric("max_connections", "The most connections the pool opens.", gauge,
			func(s *pgxpool.Stat) float64 { return float64(s.MaxConns()) }),
		metric("acquires_total", "Successful acquires of a connection.", counter,
			func(s *pgxpool.Stat) float64 { return float64(s.AcquireCount()) }),
		metric("acquire_duration_seconds_total", "Time spent in successful acquires.", counter,
			func(s *pgxpool.Stat) float64 { return s.AcquireDuration().Seconds() }),
		metric("empty_acquires_total", "Successful acquires that had to wait because no connection was idle.", counter,
			func(s *pgxpool.Stat) float64 { return float64(s.EmptyAcquireCount()) }),
		metric("empty_acquire_wait_seconds_total", "Time those acquires waited for a connection.", counter,
			func(s *pgxpool.Stat) float64 { return s.EmptyAcquireWaitTime().Seconds() }),
		metric("canceled_acquires_total", "Acquires given up because the request's context ended first.", counter,
			func(s *pgxpool.Stat) float64 { return float64(s.CanceledAcquireCount()) }),
		metric("new_connections_total", "Connections opened.", counter,
			func(s *pgxpool.Stat) float64 { return float64(s.NewConnsCount()) }),
	}}
}

// Describe sends the descriptor of every pool statistic.
func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, m := range c.metrics {
		ch <- m.desc
	}
}

// Collect takes one snapshot of the pool and sends every statistic from it.
func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	for _, m := range c.metrics {
		ch <- prometheus.MustNewConstMetric(m.desc, m.kind, m.value(s))
	}
}

// A BusStater reports the asks a process answered for other processes;
// *bus.Bus is one.
type BusStater interface {
	Served() map[string]int64
}

// WatchBus adds bookapp_bus_served_total{name}, the asks this process
// answered over NATS for other processes, read at each scrape.
func (m *Metrics) WatchBus(b BusStater) {
	m.registry.MustRegister(busCollector{b})
}

type busCollector struct{ bus BusStater }

var busServed = prometheus.NewDesc("bookapp_bus_served_total",
	"Asks this process answered over NATS for other processes, by broker name.", []string{"name"}, nil)

func (c busCollector) Describe(ch chan<- *prometheus.Desc) { ch <- busServed }

func (c busCollector) Collect(ch chan<- prometheus.Metric) {
	for name, n := range c.bus.Served() {
		ch <- prometheus.MustNewConstMetric(busServed, prometheus.CounterValue, float64(n), name)
	}
}

// A FeedStater reports, by consumer, the events of another process's
// stream not yet applied; *bus.EventReader is one.
type FeedStater interface {
	Pending(ctx context.Context) (map[string]uint64, error)
}

// WatchFeed adds bookapp_bus_events_pending{consumer}, read from JetStream
// at each scrape: the events another process published that a consumer here
// has not applied yet (the split deployment's counterpart of
// bookapp_events_pending).
func (m *Metrics) WatchFeed(f FeedStater) {
	m.registry.MustRegister(feedCollector{f})
}

type feedCollector struct{ feed FeedStater }

var feedPending = prometheus.NewDesc("bookapp_bus_events_pending",
	"Events of another process's stream that a consumer here has not applied yet, by consumer.", []string{"consumer"}, nil)

func (c feedCollector) Describe(ch chan<- *prometheus.Desc) { ch <- feedPending }

func (c feedCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), eventStatsTimeout)
	defer cancel()
	pending, err := c.feed.Pending(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(feedPending, err)
		return
	}
	for consumer, n := range pending {
		ch <- prometheus.MustNewConstMetric(feedPending, prometheus.GaugeValue, float64(n), consumer)
	}
}

// An EventStater reports the undelivered events of an outbox;
// *outbox.Outbox is one.
type EventStater interface {
	Schema() string
	Stats(ctx context.Context) ([]outbox.Stat, error)
}

// WatchEvents adds the deliveries of events' outbox to the metrics, read
// from its tables at each scrape (so they are the same from every app
// instance): bookapp_events_pending, bookapp_events_parked and
// bookapp_events_lag_seconds (the age of the oldest pending event), by
// producer (the outbox's schema), event type and consumer.
func (m *Metrics) WatchEvents(events EventStater) {
	m.registry.MustRegister(&eventCollector{events: events})
}

// eventCollector reads an outbox's statistics at each scrape, giving up after
// eventStatsTimeout, so a scrape during an outage does not hang.
type eventCollector struct{ events EventStater }

const eventStatsTimeout = 2 * time.Second

var (
	eventLabels  = []string{"producer", "type", "consumer"}
	eventPending = prometheus.NewDesc("bookapp_events_pending",
		"Events published and not yet delivered to the consumer, not parked.", eventLabels, nil)
	eventParked = prometheus.NewDesc("bookapp_events_parked",
		"Events whose delivery to the consumer failed every attempt and waits for 'bookapp events retry'.", eventLabels, nil)
	eventLag = prometheus.NewDesc("bookapp_events_lag_seconds",
		"Age of the oldest pending event for the consumer; 0 when none is pending.", eventLabels, nil)
)

func (c *eventCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- eventPending
	ch <- eventParked
	ch <- eventLag
}

func (c *eventCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), eventStatsTimeout)
	defer cancel()
	stats, err := c.events.Stats(ctx)
	if err != nil {
		// The database is out of reach: the event series are absent from
		// this scrape (an error would fail the whole scrape, losing the
		// metrics that describe the outage), and /readyz says why.
		return
	}
	producer := c.events.Schema()
	for _, s := range stats {
		ch <- prometheus.MustNewConstMetric(eventPending, prometheus.GaugeValue, float64(s.Pending), producer, s.Type, s.Consumer)
		ch <- prometheus.MustNewConstMetric(eventParked, prometheus.GaugeValue, float64(s.Parked), producer, s.Type, s.Consumer)
		ch <- prometheus.MustNewConstMetric(eventLag, prometheus.GaugeValue, s.Lag.Seconds(), producer, s.Type, s.Consumer)
	}
}
