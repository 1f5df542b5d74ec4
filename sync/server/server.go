// Package server is the bureau server (数管局): it receives filings exactly
// once, keeps every revision and attachment, lets reviewers decide and feeds
// the decisions back to the units, over the REST API of egovdesk/sync/protocol.
// It keeps its records in a bureaustore.Storage — by default its own
// embedded Badger database (badgerstore) in the data directory — and the
// attachment files next to it in the data directory.
//
// Open a Server, mount Handler (or call Run), and Close it. The admin
// operations (units, accounts, tokens, the rule profile) are methods the
// bureau command calls directly.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emmansun/gmsm/sm2"

	"egovdesk/app"
	"egovdesk/app/badgerutil"
	"egovdesk/sync/protocol"
	"egovdesk/sync/server/badgerstore"
	"egovdesk/sync/server/bureaustore"
)

// Config configures a Server. Zero fields take the defaults of DefaultConfig.
type Config struct {
	DataDir string       // holds badger/ and attachments/; created if missing
	Logger  *slog.Logger // nil discards logs
	// EncryptionKey encrypts the Badger store at rest (badgerstore.Options);
	// nil: not encrypted. The attachment files are not encrypted by the
	// bureau: docs/security.md.
	EncryptionKey []byte

	Now func() time.Time // the clock of every rule; time.Now when nil

	TokenTTL           time.Duration // how long a login token lives
	MaxAttachmentBytes int64         // largest attachment
	ChunkBytes         int64         // largest PATCH body
	MaxBodyBytes       int64         // largest JSON request body
	MaxAttachments     int           // most attachments per revision
	LongPoll           time.Duration // longest wait of GET /changes
	Password           PasswordParams
	// PasswordPolicy is the bureau's password rules (policy.go); zero
	// fields take DefaultPasswordPolicy's.
	PasswordPolicy PasswordPolicy
	// SessionIdle ends a console session unused for so long (server
	// side, on the session's token); 0 takes DefaultSessionIdle, < 0
	// never.
	SessionIdle     time.Duration
	Throttle        ThrottleConfig
	ShutdownTimeout time.Duration // how long Run waits for requests to finish
	PartRetention   time.Duration // how long an unfinished upload is kept without progress
	// UnitUploadPerDay bounds the bytes one unit uploads in 24 hours —
	// attachments, drafts and new revisions' bodies (uploadbudget.go); 0
	// takes DefaultConfig's, < 0 no limit.
	UnitUploadPerDay int64
	// AccountRequests bounds the requests one account has in progress at
	// once (inflight.go); 0 takes DefaultConfig's, < 0 no limit.
	AccountRequests int
	// AccountUploads bounds the attachment chunks one account sends at
	// once (a desktop client sends one); 0 takes DefaultConfig's, < 0 no
	// limit.
	AccountUploads int
	// UploadBuffers bounds the memory of all chunks being received at
	// once, in bytes (a chunk holds 1–4 MiB while it arrives; upload.go);
	// a chunk that finds none free answers 429. 0 takes DefaultConfig's.
	UploadBuffers int64
	// UnitNewFilingsPerDay bounds the new filings (first revisions) one
	// unit submits in 24 hours (uploadbudget.go); 0 takes DefaultConfig's,
	// < 0 no limit.
	UnitNewFilingsPerDay int64
	// TrustedProxies are the reverse proxies in front of the server: for a
	// request from one of them the client's address (for the login limits
	// and the logs) is taken from X-Forwarded-For. None by default.
	TrustedProxies []netip.Prefix
	// Release sets the oldest client version accepted and the download page
	// (release.go).
	Release Release

	// Slow and stalled clients (see Serve and docs/bureau.md, "Limits").
	HeaderTimeout   time.Duration // longest time to send a request's headers
	BodyIdle        time.Duration // longest silence within a JSON request body, and within an answer as the client takes it
	MinBodyRate     int64         // bytes/s a JSON body must average: it gets BodyIdle + length/MinBodyRate in all; an answer too
	MaxBodyTime     time.Duration // longest time for any JSON body
	UploadIdle      time.Duration // longest silence within an upload chunk
	MaxChunkTime    time.Duration // longest time for one upload chunk
	MaxConns        int           // most connections held at once
	MaxConnsPerAddr int           // most connections from one address (trusted proxies excepted)

	// MinFreeBytes is the free space the data directory's filesystem must
	// keep: below it, requests that write answer 507 until space returns
	// (see diskGuard). Negative: no guard.
	MinFreeBytes int64

	// Storage is the store of the records; nil opens the embedded Badger
	// store in DataDir/badger. The server closes it on Close.
	Storage bureaustore.Storage

	memTable int64 // Badger memtable size; a transaction may hold 15% of it (tests shrink it)
	// tune changes Badger's options before the store opens (benchmarks of
	// the options; nil in production).
	tune badgerstore.Tune
}

// DefaultConfig returns the configuration used for zero fields.
func DefaultConfig() Config {
	return Config{
		TokenTTL:             30 * 24 * time.Hour,
		MaxAttachmentBytes:   200 << 20,
		ChunkBytes:           8 << 20,
		MaxBodyBytes:         4 << 20,
		MaxAttachments:       100,
		LongPoll:             protocol.MaxWait,
		Password:             DefaultPasswordParams(),
		Throttle:             DefaultThrottle(),
		ShutdownTimeout:      15 * time.Second,
		PartRetention:        30 * 24 * time.Hour,
		UnitUploadPerDay:     4 << 30,
		UnitNewFilingsPerDay: 1000,
		AccountRequests:      64,
		AccountUploads:       4,
		UploadBuffers:        256 << 20,
		HeaderTimeout:        10 * time.Second,
		BodyIdle:             20 * time.Second,
		MinBodyRate:          8 << 10,
		MaxBodyTime:          10 * time.Minute,
		UploadIdle:           60 * time.Second,
		MaxChunkTime:         10 * time.Minute,
		MaxConns:             8192,
		MaxConnsPerAddr:      1024,
		MinFreeBytes:         256 << 20,
	}
}

func (c *Config) fill() {
	d := DefaultConfig()
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.TokenTTL <= 0 {
		c.TokenTTL = d.TokenTTL
	}
	if c.MaxAttachmentBytes <= 0 {
		c.MaxAttachmentBytes = d.MaxAttachmentBytes
	}
	if c.ChunkBytes <= 0 {
		c.ChunkBytes = d.ChunkBytes
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = d.MaxBodyBytes
	}
	if c.MaxAttachments <= 0 {
		c.MaxAttachments = d.MaxAttachments
	}
	if c.LongPoll <= 0 || c.LongPoll > protocol.MaxWait {
		c.LongPoll = d.LongPoll
	}
	c.PasswordPolicy.fill()
	if c.SessionIdle == 0 {
		c.SessionIdle = DefaultSessionIdle
	}
	if c.Password == (PasswordParams{}) {
		c.Password = d.Password
	}
	if c.Throttle == (ThrottleConfig{}) {
		c.Throttle = d.Throttle
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = d.ShutdownTimeout
	}
	if c.PartRetention <= 0 {
		c.PartRetention = d.PartRetention
	}
	if c.UnitUploadPerDay == 0 {
		c.UnitUploadPerDay = d.UnitUploadPerDay
	}
	if c.UnitNewFilingsPerDay == 0 {
		c.UnitNewFilingsPerDay = d.UnitNewFilingsPerDay
	}
	if c.AccountRequests == 0 {
		c.AccountRequests = d.AccountRequests
	}
	if c.AccountUploads == 0 {
		c.AccountUploads = d.AccountUploads
	}
	if c.UploadBuffers <= 0 {
		c.UploadBuffers = d.UploadBuffers
	}
	positive := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	positive(&c.HeaderTimeout, d.HeaderTimeout)
	positive(&c.BodyIdle, d.BodyIdle)
	positive(&c.MaxBodyTime, d.MaxBodyTime)
	positive(&c.UploadIdle, d.UploadIdle)
	positive(&c.MaxChunkTime, d.MaxChunkTime)
	if c.MinBodyRate <= 0 {
		c.MinBodyRate = d.MinBodyRate
	}
	if c.MaxConns <= 0 {
		c.MaxConns = d.MaxConns
	}
	if c.MaxConnsPerAddr <= 0 {
		c.MaxConnsPerAddr = d.MaxConnsPerAddr
	}
	if c.MinFreeBytes == 0 {
		c.MinFreeBytes = d.MinFreeBytes
	}
	if c.memTable <= 0 {
		c.memTable = 32 << 20
	}
}

// orphanRounds is how many of gcLoop's rounds (ten minutes) pass between
// two PruneOrphanFiles: a day.
const orphanRounds = 24 * 6

// syncFuncs are the syncs that make an attachment durable: its part file's
// bytes, and the directories of its rename into place.
type syncFuncs struct {
	dir  func(dir string) error
	part func(f *os.File) error
}

// Server is the bureau server. Its methods are safe for concurrent use.
type Server struct {
	// dependencies
	store bureaustore.Storage
	log   *slog.Logger

	// olderIntake, set only by tests, takes acceptance applications
	// without checking the trial report they name, as bureaus did before
	// trialLink: the stores they left behind.
	olderIntake bool

	// config
	cfg   Config
	Now   func() time.Time
	files string // directory of attachment files

	// state
	profile    atomic.Pointer[app.Profile]
	feeds      *feeds
	throttle   *throttle
	reads      auditReads    // repeated reads, recorded once a minute (auditRead)
	uploaded   *uploadBudget // bytes a unit sent (Config.UnitUploadPerDay)
	newFilings *uploadBudget // new filings a unit submitted (Config.UnitNewFilingsPerDay)
	inflight   inflight      // requests each account has in progress (Config.AccountRequests)
	uploading  inflight      // chunks each account is sending (Config.AccountUploads)
	loggingIn  inflight      // logins of each account being checked (loginsAtOnce)
	chunkMem   *chunkPool    // buffers of the chunks being received (Config.UploadBuffers)
	printing   chan struct{} // copies being printed (printers)
	finding    chan struct{} // 查找材料 searches running (findAtOnce, find.go)
	printQueue inflight      // copies each account has waiting or printing (printers)
	backingUp  atomic.Bool   // an online backup is being taken
	hashing    chan struct{} // bounds concurrent argon2id hashing (memory)
	// hashingKnown is one more place for logins from an address they
	// succeeded from lately (checkLoginPassword)
	hashingKnown chan struct{}
	dummyHash    func() string // checked when a login is unknown, so it takes as long as a wrong password
	uploads      uploadLocks
	filesMu      sync.RWMutex // read: a backup copying attachments; write: a deletion of some (tryLockFiles)
	routes       []route
	conns        atomic.Pointer[connLimiter] // of Serve, for OpenConns
	refusedLog   atomic.Int64                // unix time of the last "connections refused" line
	disk         *diskGuard
	trail        auditState      // the security audit trail, audit.go
	receiptKey   *sm2.PrivateKey // signs receipts, receiptkey.go

	syncs atomic.Pointer[syncFuncs] // badgerutil.SyncDir and syncData; tests watch and fail them per server

	stopping  chan struct{} // closed when the server stops: long polls answer, loops end
	stopOnce  sync.Once
	closeOnce sync.Once
	wg        sync.WaitGroup
}

// Open opens (or creates) the bureau's data directory and returns a Server.
// It fails when the directory cannot be created or the store cannot be
// opened, for instance because another bureau process holds its Badger
// directory.
func Open(ctx context.Context, cfg Config) (*Server, error) {
	cfg.fill()
	if cfg.DataDir == "" {
		return nil, errors.New("open bureau: no data directory")
	}
	if err := cfg.Release.check(); err != nil {
		return nil, fmt.Errorf("open bureau: %w", err)
	}
	files := filepath.Join(cfg.DataDir, "attachments")
	if err := os.MkdirAll(files, 0o750); err != nil {
		return nil, fmt.Errorf("open bureau: %w", err)
	}
	st := cfg.Storage
	if st == nil {
		if err := notOnPostgres(cfg.DataDir); err != nil {
			return nil, err
		}
		bs, err := badgerstore.Open(ctx, filepath.Join(cfg.DataDir, "badger"), badgerstore.Options{
			Logger: cfg.Logger, MemTable: cfg.memTable, Tune: cfg.tune,
			EncryptionKey: cfg.EncryptionKey})
		if badgerutil.DirLocked(err) {
			return nil, fmt.Errorf("open bureau: another bureau process is using %s; stop it first: %w", cfg.DataDir, err)
		}
		if err != nil {
			return nil, fmt.Errorf("open bureau %s: %w", cfg.DataDir, err)
		}
		st = bs
	}
	s := &Server{store: st, log: cfg.Logger, cfg: cfg, Now: cfg.Now, files: files,
		feeds: newFeeds(), throttle: newThrottle(cfg.Throttle), uploaded: newUploadBudget(cfg.UnitUploadPerDay), newFilings: newUploadBudget(cfg.UnitNewFilingsPerDay), chunkMem: newChunkPool(cfg.UploadBuffers), printing: make(chan struct{}, printers), finding: make(chan struct{}, findAtOnce), hashing: make(chan struct{}, 4), hashingKnown: make(chan struct{}, 1),
		stopping: make(chan struct{})}
	s.syncs.Store(&syncFuncs{dir: badgerutil.SyncDir, part: syncData})
	if cfg.Storage != nil {
		if err := bindDataDir(ctx, cfg.DataDir, st); err != nil {
			st.Close()
			return nil, err
		}
	}
	var err error
	if s.receiptKey, err = LoadReceiptKey(cfg.DataDir, true); err != nil {
		st.Close()
		return nil, fmt.Errorf("open bureau: %w", err)
	}
	if cfg.MinFreeBytes > 0 {
		s.disk = &diskGuard{dir: cfg.DataDir, reserve: cfg.MinFreeBytes, free: badgerutil.FreeBytes}
	}
	st.OnChange(func(units []string) { s.feeds.notify(units...) })
	if err := s.loadProfile(ctx); err != nil {
		st.Close()
		return nil, err
	}
	s.dummyHash = sync.OnceValue(func() string { return hashPassword("egovdesk-no-such-account", cfg.Password) })
	s.routes = s.routeTable()
	s.wg.Add(2)
	go s.gcLoop()
	go func() {
		defer s.wg.Done()
		s.learnKnownLogins()
	}()
	return s, nil
}

// Close wakes the long polls, stops the background work and closes the
// store. It returns the error of closing the store.
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		s.stop()
		s.wg.Wait()
		// What the coalesced records still count, so a stop loses none.
		s.auditUnrecordedRefusals(context.Background(), s.Now().Add(refusalEvery))
		s.auditUnrecordedReads(context.Background(), s.Now().Add(readsEvery))
		if cerr := s.AuditCheckpoint(context.Background()); cerr != nil { // the trail's head, signed (audit.go)
			s.log.Error("security audit checkpoint at stop", "err", cerr)
		}
		err = s.store.Close()
	})
	return err
}

// Limits returns what the bureau accepts.
func (s *Server) Limits() protocol.Limits {
	return protocol.Limits{MaxAttachmentBytes: s.cfg.MaxAttachmentBytes, ChunkBytes: s.cfg.ChunkBytes,
		MaxBodyBytes: s.cfg.MaxBodyBytes, MaxAttachments: s.cfg.MaxAttachments}
}

// OpenConns returns the number of connections Serve holds open.
func (s *Server) OpenConns() int {
	if l := s.conns.Load(); l != nil {
		return l.open()
	}
	return 0
}

// Run serves the API on addr until ctx is cancelled, then shuts down
// gracefully: long polls are answered at once and running requests get
// Config.ShutdownTimeout to finish. It returns nil after a clean shutdown,
// or the error that stopped the listener.
func (s *Server) Run(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	return s.RunOn(ctx, ln)
}

// RunOn is Run on a listener the caller opened (to say where it listens
// before serving, as `bureau demo` does with port 0); it takes ownership
// of ln.
func (s *Server) RunOn(ctx context.Context, ln net.Listener) error {
	if err := s.recordPolicy(ctx); err != nil { // the password and session policy in force, in the audit trail (policy.go)
		s.log.Error("security audit: password policy not recorded", "err", err)
	}
	return s.Serve(ctx, ln)
}

// Serve is Run on a listener it takes ownership of. It holds at most
// Config.MaxConns connections, and Config.MaxConnsPerAddr from one address;
// one over a limit is answered 503 and closed. A client gets
// Config.HeaderTimeout to send its headers; the read deadlines of the
// bodies are set per request (see limitBody and handleUpload).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	// Here, not at Open: every admin command opens the bureau, and each
	// printed the warning (found by a newcomer).
	s.warnCalendar()
	lim := newConnLimiter(ln, s.cfg.MaxConns, s.cfg.MaxConnsPerAddr,
		func(a netip.Addr) bool { return s.trusted(a.String()) },
		func(a netip.Addr, total bool) {
			// At most one line a minute: a flood must not flood the log.
			now := time.Now().Unix()
			if last := s.refusedLog.Load(); now-last >= 60 && s.refusedLog.CompareAndSwap(last, now) {
				s.log.Warn("connections refused over the limit", "ip", a.String(), "total_limit", total,
					"max_conns", s.cfg.MaxConns, "max_conns_per_addr", s.cfg.MaxConnsPerAddr)
			}
		})
	lim.sendIdle, lim.minSendRate = s.cfg.BodyIdle, s.cfg.MinBodyRate
	s.conns.Store(lim)
	ln = lim
	hs := &http.Server{
		Handler:   s.Handler(),
		ConnState: lim.connState,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
		ReadHeaderTimeout: s.cfg.HeaderTimeout,
		// OPTIONS * goes to Handler too, and its framing is checked:
		// answered by Go's own handler, a request smuggled behind it was
		// served (found from outside).
		DisableGeneralOptionsHandler: true,
		IdleTimeout:                  2 * time.Minute,
		MaxHeaderBytes:               64 << 10,
		ErrorLog:                     slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:                  func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	stopAdmin := s.serveAdmin(ctx)
	defer stopAdmin()
	s.log.Info("bureau serving", "addr", ln.Addr().String(), "data", s.cfg.DataDir)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("bureau shutting down")
	s.stop()
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	<-errc
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// gcLoop prunes dead tokens, abandoned uploads and attachments no filing
// names, and reclaims value-log space every ten minutes until Close; files
// no upload record names, in its first round and then once a day.
func (s *Server) gcLoop() {
	defer s.wg.Done()
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	// A long round (the bodies of a unit read for its attachments) ends
	// when the server stops.
	ctx, cancel := s.untilStop()
	defer cancel()
	for round := 0; ; round++ {
		select {
		case <-s.stopping:
			return
		case <-t.C:
			s.auditUnrecordedRefusals(ctx, s.Now())
			s.auditUnrecordedReads(ctx, s.Now())
			if n, err := s.PruneTokens(context.Background()); err != nil {
				s.log.Error("prune tokens", "err", err)
			} else if n > 0 {
				s.log.Info("pruned expired and revoked tokens", "count", n)
			}
			if _, err := s.PruneUploads(context.Background()); err != nil {
				s.log.Error("prune uploads", "err", err)
			}
			if _, err := s.PruneUnreferencedUploads(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("prune attachments no filing names", "err", err)
			}
			if round%orphanRounds == 0 {
				if round > 0 {
					s.warnCalendar() // and at Serve
				}
				if _, err := s.PruneOrphanFiles(ctx); err != nil && ctx.Err() == nil {
					s.log.Error("prune attachment files no record names", "err", err)
				}
			}
			if err := s.store.Maintain(context.Background(), s.stopping); err != nil {
				s.log.Error("store maintenance", "err", err)
			}
		}
	}
}

// warnCalendar logs, at start and once a day, the years whose holidays the
// working-day time limits lack (app.Calendar.Missing).
func (s *Server) warnCalendar() {
	cal := &app.Calendar{}
	if p := s.profile.Load(); p != nil {
		cal = &p.Calendar
	}
	if years := cal.Missing(s.Now()); len(years) > 0 {
		s.log.Warn("the holidays of these years are not loaded: working-day time limits count Monday to Friday until the profile's calendar lists them (docs/bureau.md)",
			"years", years)
	}
}

// stop answers the long polls and ends the background loops; idempotent.
func (s *Server) stop() { s.stopOnce.Do(func() { close(s.stopping) }) }

// untilStop returns a context cancelled when the server stops (or cancel
// is called), for the work of its background loops.
func (s *Server) untilStop() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case <-s.stopping:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
