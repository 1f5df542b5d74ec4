package main

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"egovdesk/app/version"
	"egovdesk/sync/server"
)

// config flags shared by every command that opens the data directory.
type dataFlags struct {
	data     string
	database string // PostgreSQL URL; empty: Badger in data
	keyFile  string // the Badger store's encryption key; see key
}

func (d *dataFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.data, "data", envOr("EGOV_BUREAU_DATA", "/var/lib/egov-bureau"), "data directory (env EGOV_BUREAU_DATA)")
	registerDatabase(fs, &d.database)
	registerKeyFile(fs, &d.keyFile)
}

// keyHelp is the help of -key-file.
const keyHelp = "file holding the key that encrypts the Badger store at rest: 32 bytes (AES-256), raw, hex or base64; " +
	"the file must not be readable by group or others (chmod 600). Instead of a file, env EGOV_BUREAU_KEY may hold the key (hex or base64). " +
	"Without either the Badger store is NOT encrypted at rest (bureau warns at start). Attachment files are not encrypted by the bureau: " +
	"put the data directory on an encrypted volume (docs/security.md) (env EGOV_BUREAU_KEY_FILE)"

func registerKeyFile(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "key-file", envOr("EGOV_BUREAU_KEY_FILE", ""), keyHelp)
}

// key returns the Badger store's encryption key from -key-file or
// EGOV_BUREAU_KEY, or nil when neither is set.
func (d *dataFlags) key() ([]byte, error) {
	return readBureauKey(d.keyFile, os.Getenv("EGOV_BUREAU_KEY"))
}

// readBureauKey reads the key from the file at path (which must be 0600 or
// stricter where the system has Unix permissions), or else from env.
func readBureauKey(path, env string) ([]byte, error) {
	text := env
	from := "EGOV_BUREAU_KEY"
	if path != "" {
		fi, err := os.Stat(path)
		if err != nil {
			return nil, usagef("--key-file: %v", err)
		}
		if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
			return nil, usagef("--key-file %s is readable by group or others (mode %v): run chmod 600 %s", path, fi.Mode().Perm(), path)
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, usagef("--key-file: %v", err)
		}
		if len(raw) == 32 {
			return raw, nil
		}
		text, from = string(raw), "--key-file "+path
	}
	text = strings.TrimSpace(text)
	if text == "" {
		if path != "" {
			return nil, usagef("%s is empty", from)
		}
		return nil, nil
	}
	if k, err := hex.DecodeString(text); err == nil && len(k) == 32 {
		return k, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(text); err == nil && len(k) == 32 {
			return k, nil
		}
	}
	return nil, usagef("%s does not hold a 32-byte key (64 hex digits or 44 base64 characters); make one with: head -c 32 /dev/urandom > key && chmod 600 key", from)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil {
		return d
	}
	return def
}

func envInt(name string, def int64) int64 {
	if n, err := strconv.ParseInt(os.Getenv(name), 10, 64); err == nil {
		return n
	}
	return def
}

// serveFlags are the flags of serve and demo.
type serveFlags struct {
	dataFlags
	addr, logLevel, logFormat string
	tokenTTL, shutdown        time.Duration
	partRetention             time.Duration
	trustedProxies            string
	maxAttachMB, chunkMB      int64
	unitUploadMB              int64
	unitNewFilings            int64
	accountRequests           int64
	accountUploads            int64
	uploadBuffersMB           int64
	maxConns, maxConnsPerAddr int64
	minFreeMB                 int64
	release                   server.Release
	// the password and session policy (等保 身份鉴别; server.PasswordPolicy)
	pwMinLength, pwClasses, pwHistory int64
	pwMaxAge, sessionIdle             time.Duration
}

func (f *serveFlags) register(fs *flag.FlagSet, defaultData string) {
	d := server.DefaultConfig()
	fs.StringVar(&f.data, "data", envOr("EGOV_BUREAU_DATA", defaultData), "data directory (env EGOV_BUREAU_DATA)")
	registerDatabase(fs, &f.database)
	registerKeyFile(fs, &f.keyFile)
	fs.StringVar(&f.addr, "addr", envOr("EGOV_BUREAU_ADDR", "127.0.0.1:8440"), "listen address (env EGOV_BUREAU_ADDR)")
	fs.StringVar(&f.logLevel, "log-level", envOr("EGOV_BUREAU_LOG_LEVEL", "info"), "debug, info, warn or error (env EGOV_BUREAU_LOG_LEVEL)")
	fs.StringVar(&f.logFormat, "log-format", envOr("EGOV_BUREAU_LOG_FORMAT", "json"), "json or text (env EGOV_BUREAU_LOG_FORMAT)")
	fs.DurationVar(&f.tokenTTL, "token-ttl", envDuration("EGOV_BUREAU_TOKEN_TTL", d.TokenTTL), "lifetime of a login token (env EGOV_BUREAU_TOKEN_TTL)")
	fs.DurationVar(&f.shutdown, "shutdown-timeout", envDuration("EGOV_BUREAU_SHUTDOWN_TIMEOUT", d.ShutdownTimeout), "grace period for running requests on SIGTERM (env EGOV_BUREAU_SHUTDOWN_TIMEOUT)")
	fs.DurationVar(&f.partRetention, "part-retention", envDuration("EGOV_BUREAU_PART_RETENTION", d.PartRetention), "how long an unfinished upload is kept without progress, and a complete attachment no filing names after it completed (env EGOV_BUREAU_PART_RETENTION)")
	fs.Int64Var(&f.unitUploadMB, "unit-upload-mb-per-day", envInt("EGOV_BUREAU_UNIT_UPLOAD_MB_PER_DAY", d.UnitUploadPerDay>>20), "most MiB one unit sends in 24 hours (attachments, drafts and revision bodies); 0: no limit (env EGOV_BUREAU_UNIT_UPLOAD_MB_PER_DAY)")
	fs.Int64Var(&f.unitNewFilings, "unit-new-filings-per-day", envInt("EGOV_BUREAU_UNIT_NEW_FILINGS_PER_DAY", d.UnitNewFilingsPerDay), "most new filings one unit submits in 24 hours (revisions of its filings are not counted); 0: no limit (env EGOV_BUREAU_UNIT_NEW_FILINGS_PER_DAY)")
	fs.Int64Var(&f.accountRequests, "account-requests", envInt("EGOV_BUREAU_ACCOUNT_REQUESTS", int64(d.AccountRequests)), "most requests one account has in progress at once; more answer 429; 0: no limit (env EGOV_BUREAU_ACCOUNT_REQUESTS)")
	fs.Int64Var(&f.accountUploads, "account-uploads", envInt("EGOV_BUREAU_ACCOUNT_UPLOADS", int64(d.AccountUploads)), "most attachment chunks one account sends at once; more answer 429; 0: no limit (env EGOV_BUREAU_ACCOUNT_UPLOADS)")
	fs.Int64Var(&f.uploadBuffersMB, "upload-buffers-mb", envInt("EGOV_BUREAU_UPLOAD_BUFFERS_MB", d.UploadBuffers>>20), "memory in MiB for all attachment chunks being received at once (1–4 MiB a chunk); a chunk finding none answers 429 (env EGOV_BUREAU_UPLOAD_BUFFERS_MB)")
	fs.StringVar(&f.trustedProxies, "trusted-proxies", envOr("EGOV_BUREAU_TRUSTED_PROXIES", ""), "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed (env EGOV_BUREAU_TRUSTED_PROXIES)")
	fs.Int64Var(&f.maxAttachMB, "max-attachment-mb", envInt("EGOV_BUREAU_MAX_ATTACHMENT_MB", d.MaxAttachmentBytes>>20), "largest attachment in MiB (env EGOV_BUREAU_MAX_ATTACHMENT_MB)")
	fs.Int64Var(&f.chunkMB, "chunk-mb", envInt("EGOV_BUREAU_CHUNK_MB", d.ChunkBytes>>20), "largest upload chunk in MiB (env EGOV_BUREAU_CHUNK_MB)")
	fs.Int64Var(&f.maxConns, "max-conns", envInt("EGOV_BUREAU_MAX_CONNS", int64(d.MaxConns)), "most connections held at once (env EGOV_BUREAU_MAX_CONNS)")
	fs.Int64Var(&f.maxConnsPerAddr, "max-conns-per-addr", envInt("EGOV_BUREAU_MAX_CONNS_PER_ADDR", int64(d.MaxConnsPerAddr)), "most connections from one address, trusted proxies excepted (env EGOV_BUREAU_MAX_CONNS_PER_ADDR)")
	fs.Int64Var(&f.minFreeMB, "min-free-mb", envInt("EGOV_BUREAU_MIN_FREE_MB", d.MinFreeBytes>>20), "free disk space kept in MiB: below it writes answer 507 (env EGOV_BUREAU_MIN_FREE_MB)")
	fs.StringVar(&f.release.MinClientVersion, "min-client-version", envOr("EGOV_BUREAU_MIN_CLIENT_VERSION", ""), "refuse desktop clients older than this release, e.g. 0.2.0, telling clerks where to download (env EGOV_BUREAU_MIN_CLIENT_VERSION)")
	fs.StringVar(&f.release.DownloadDir, "downloads", envOr("EGOV_BUREAU_DOWNLOADS", ""), "directory of client packages served at /download/ (env EGOV_BUREAU_DOWNLOADS)")
	p := server.DefaultPasswordPolicy()
	fs.Int64Var(&f.pwMinLength, "password-min-length", envInt("EGOV_BUREAU_PASSWORD_MIN_LENGTH", int64(p.MinLength)), "fewest characters of a password (env EGOV_BUREAU_PASSWORD_MIN_LENGTH)")
	fs.Int64Var(&f.pwClasses, "password-classes", envInt("EGOV_BUREAU_PASSWORD_CLASSES", int64(p.MinClasses)), "fewest of the 4 classes (lower, upper, digit, other) in a password (env EGOV_BUREAU_PASSWORD_CLASSES)")
	fs.DurationVar(&f.pwMaxAge, "password-max-age", envDuration("EGOV_BUREAU_PASSWORD_MAX_AGE", p.MaxAge), "a password older than this must be changed at the next login; 0: never (env EGOV_BUREAU_PASSWORD_MAX_AGE)")
	fs.Int64Var(&f.pwHistory, "password-history", envInt("EGOV_BUREAU_PASSWORD_HISTORY", int64(p.History)), "how many earlier passwords may not be used again; 0: none (env EGOV_BUREAU_PASSWORD_HISTORY)")
	fs.DurationVar(&f.sessionIdle, "session-idle", envDuration("EGOV_BUREAU_SESSION_IDLE", server.DefaultSessionIdle), "a console session unused this long is logged out; 0: never (env EGOV_BUREAU_SESSION_IDLE)")
	fs.StringVar(&f.release.DownloadURL, "download-url", envOr("EGOV_BUREAU_DOWNLOAD_URL", ""), "the download page as clerks reach it, e.g. https://sgj.example.gov.cn/download/ (env EGOV_BUREAU_DOWNLOAD_URL)")
}

func (e *env) serverConfig(f *serveFlags) (server.Config, error) {
	log, err := e.logger(f.logLevel, f.logFormat)
	if err != nil {
		return server.Config{}, err
	}
	if f.maxAttachMB <= 0 || f.chunkMB <= 0 {
		return server.Config{}, usagef("--max-attachment-mb and --chunk-mb must be positive")
	}
	if f.partRetention <= 0 {
		return server.Config{}, usagef("--part-retention must be positive")
	}
	if f.unitUploadMB < 0 {
		return server.Config{}, usagef("--unit-upload-mb-per-day must not be negative (0: no limit)")
	}
	if f.unitNewFilings < 0 {
		return server.Config{}, usagef("--unit-new-filings-per-day must not be negative (0: no limit)")
	}
	if f.accountRequests < 0 || f.accountUploads < 0 {
		return server.Config{}, usagef("--account-requests and --account-uploads must not be negative (0: no limit)")
	}
	if f.uploadBuffersMB <= 0 {
		return server.Config{}, usagef("--upload-buffers-mb must be positive")
	}
	if f.maxConns <= 0 || f.maxConnsPerAddr <= 0 || f.minFreeMB <= 0 {
		return server.Config{}, usagef("--max-conns, --max-conns-per-addr and --min-free-mb must be positive")
	}
	if v := f.release.MinClientVersion; v != "" {
		if _, err := version.Parse(v); err != nil {
			return server.Config{}, usagef("--min-client-version: %v", err)
		}
	}
	proxies, err := parsePrefixes(f.trustedProxies)
	if err != nil {
		return server.Config{}, usagef("--trusted-proxies: %v", err)
	}
	if f.pwMinLength < 8 || f.pwMinLength > 128 || f.pwClasses < 1 || f.pwClasses > 4 || f.pwHistory < 0 || f.pwHistory > 24 || f.pwMaxAge < 0 || f.sessionIdle < 0 {
		return server.Config{}, usagef("--password-min-length must be 8–128, --password-classes 1–4, --password-history 0–24, --password-max-age and --session-idle not negative")
	}
	never := func(d time.Duration) time.Duration { return cmp.Or(d, -1) } // 0 on the command line: never, -1 in Config
	policy := server.PasswordPolicy{MinLength: int(f.pwMinLength), MinClasses: int(f.pwClasses), MaxAge: never(f.pwMaxAge),
		History: int(cmp.Or(f.pwHistory, -1))}
	key, err := f.key()
	if err != nil {
		return server.Config{}, err
	}
	return server.Config{EncryptionKey: key, PasswordPolicy: policy, SessionIdle: never(f.sessionIdle), DataDir: f.data, Logger: log, TokenTTL: f.tokenTTL, ShutdownTimeout: f.shutdown,
		MaxAttachmentBytes: f.maxAttachMB << 20, ChunkBytes: f.chunkMB << 20, PartRetention: f.partRetention,
		UnitUploadPerDay:     cmp.Or(f.unitUploadMB<<20, -1), // 0 on the command line: no limit, -1 in Config
		UnitNewFilingsPerDay: cmp.Or(f.unitNewFilings, -1),
		AccountRequests:      int(cmp.Or(f.accountRequests, -1)),
		AccountUploads:       int(cmp.Or(f.accountUploads, -1)),
		UploadBuffers:        f.uploadBuffersMB << 20,
		TrustedProxies:       proxies, MaxConns: int(f.maxConns), MaxConnsPerAddr: int(f.maxConnsPerAddr),
		MinFreeBytes: f.minFreeMB << 20, Release: f.release}, nil
}

// parsePrefixes reads a comma-separated list of addresses (one host each)
// and CIDR prefixes.
func parsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("%q is not an address or CIDR", f)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or CIDR", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// serve runs the server until SIGINT or SIGTERM.
func (e *env) serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bureau serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var f serveFlags
	f.register(fs, "/var/lib/egov-bureau")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	cfg, err := e.serverConfig(&f)
	if err != nil {
		return err
	}
	if cfg.Storage, err = openStorage(ctx, f.database, cfg.Logger); err != nil {
		return err
	}
	if cfg.Storage == nil && cfg.EncryptionKey == nil {
		cfg.Logger.Warn("the bureau's Badger store is NOT encrypted at rest: give it a key with --key-file or EGOV_BUREAU_KEY (docs/security.md)", "data", f.data)
	}
	srv, err := server.Open(ctx, cfg)
	if err != nil {
		if cfg.Storage != nil {
			cfg.Storage.Close()
		}
		return err
	}
	runErr := srv.Run(ctx, f.addr)
	if err := srv.Close(); err != nil && runErr == nil {
		runErr = fmt.Errorf("close: %w", err)
	}
	return runErr
}

// open opens the data directory for an admin command, logging only warnings.
func (e *env) open(ctx context.Context, d dataFlags) (*server.Server, error) {
	if d.database == "" {
		// An admin command never creates a bureau: one run without --data
		// (or with a mistyped one) made an empty bureau at the default
		// directory and backed that up, 936 bytes and exit 0 (found by a
		// newcomer following the README). serve and demo create theirs.
		if _, err := os.Stat(d.data); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("数据目录 %s 不存在：已有的数管局请用 --data（或环境变量 EGOV_BUREAU_DATA）指明它的数据目录；"+
				"新建数管局请先创建该目录（如 install -d -m 700 -o egov-bureau %s，见 docs/bureau.md），再运行此命令", d.data, d.data)
		}
	}
	log, _ := e.logger("warn", "text")
	st, err := openStorage(ctx, d.database, log)
	if err != nil {
		return nil, err
	}
	key, err := d.key()
	if err != nil {
		if st != nil {
			st.Close()
		}
		return nil, err
	}
	s, err := server.Open(ctx, server.Config{DataDir: d.data, Logger: log, Storage: st, EncryptionKey: key})
	if err != nil && st != nil {
		st.Close()
	}
	return s, err
}
