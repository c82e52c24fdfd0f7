// Command parley-ferretdb runs FerretDB v1 on SQLite as Parley's embedded
// MongoDB-wire database. It listens on a Unix socket (or loopback TCP) only,
// starts no telemetry, and exits when its parent process goes away.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	_ "modernc.org/sqlite"
)

func main() {
	tcp := flag.String("listen-addr", "", "loopback TCP address, e.g. 127.0.0.1:27017")
	unix := flag.String("listen-unix", "", "Unix socket path")
	dir := flag.String("sqlite-dir", "", "folder for the SQLite files")
	parent := flag.Int("parent-pid", 0, "exit when this process is gone")
	flag.Parse()
	// The SQLite files hold password hashes and the socket lets anyone in: every
	// file this process creates is its owner's alone.
	syscall.Umask(0o077)

	if *dir == "" || (*tcp == "" && *unix == "") {
		fmt.Fprintln(os.Stderr, "usage: parley-ferretdb -sqlite-dir DIR (-listen-addr 127.0.0.1:PORT | -listen-unix PATH) [-parent-pid PID]")
		os.Exit(2)
	}

	if *unix != "" {
		if err := removeStaleSocket(*unix); err != nil {
			fmt.Fprintln(os.Stderr, "parley-ferretdb:", err)
			os.Exit(1)
		}
	}

	tuneGC()

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *tcp, Unix: *unix},
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dir + "/",
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "parley-ferretdb:", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *parent > 0 {
		go watchParent(ctx, *parent, stop)
	}

	go indexIDs(ctx, *dir)

	fmt.Println("parley-ferretdb: ready")
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		fmt.Fprintln(os.Stderr, "parley-ferretdb:", err)
		os.Exit(1)
	}
}

// tuneGC makes the garbage collector run less often. FerretDB decodes and
// re-encodes whole documents on every update, so garbage is much of its work:
// this cut its CPU per update by 15-25% (server/DESIGN-NOTES-sends.md), and the
// soft memory limit keeps the heap bounded. GOGC or GOMEMLIMIT in the
// environment still take precedence.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(256 << 20)
	}
}

// removeStaleSocket deletes the socket a killed run left behind (Listen would
// refuse the path), but never one that something still answers on.
func removeStaleSocket(path string) error {
	info, err := os.Lstat(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if info.Mode()&os.ModeSocket == 0 {
		return fmt.Errorf("%s exists and is not a socket", path)
	}
	if conn, err := net.DialTimeout("unix", path, time.Second); err == nil {
		conn.Close()
		return fmt.Errorf("%s is in use by another process", path)
	}
	return os.Remove(path)
}

// watchParent stops the server when the parent dies (even by SIGKILL): the
// process is then re-parented, so its parent pid changes.
func watchParent(ctx context.Context, pid int, stop func()) {
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if os.Getppid() != pid {
				stop()
				return
			}
		}
	}
}

// indexIDs gives every collection table an index on the very expression that
// FerretDB v1 filters by for an _id lookup (`_ferretdb_sjson->'$._id'`). Its own
// _id index is built on `_ferretdb_sjson->"_id"`, which SQLite does not match to
// that filter, so without this every lookup by _id reads the whole table.
// New collections are picked up within a couple of seconds.
func indexIDs(ctx context.Context, dir string) {
	done := map[string]bool{}
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		for _, file := range files {
			indexFile(ctx, file, done)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func indexFile(ctx context.Context, file string, done map[string]bool) {
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)")
	if err != nil {
		return
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM "_ferretdb_collections"`)
	if err != nil {
		return // no collection yet
	}
	var tables []string
	for rows.Next() {
		var table string
		if rows.Scan(&table) == nil && !done[file+"/"+table] {
			tables = append(tables, table)
		}
	}
	rows.Close()
	for _, table := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+"_parley_id", table)
		if _, err := db.ExecContext(ctx, q); err == nil {
			done[file+"/"+table] = true
			fmt.Printf("parley-ferretdb: _id index on %s in %s\n", table, filepath.Base(file))
		}
	}
}
