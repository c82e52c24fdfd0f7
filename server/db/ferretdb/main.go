// Command parley-ferretdb runs FerretDB v1 on SQLite as Parley's embedded
// MongoDB-wire database. It listens on loopback (or a Unix socket) only,
// starts no telemetry, and exits when its parent process goes away.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	tcp := flag.String("listen-addr", "", "loopback TCP address, e.g. 127.0.0.1:27017")
	unix := flag.String("listen-unix", "", "Unix socket path")
	dir := flag.String("sqlite-dir", "", "folder for the SQLite files")
	parent := flag.Int("parent-pid", 0, "exit when this process is gone")
	flag.Parse()

	if *dir == "" || (*tcp == "" && *unix == "") {
		fmt.Fprintln(os.Stderr, "usage: parley-ferretdb -sqlite-dir DIR (-listen-addr 127.0.0.1:PORT | -listen-unix PATH) [-parent-pid PID]")
		os.Exit(2)
	}

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

	fmt.Println("parley-ferretdb: ready")
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		fmt.Fprintln(os.Stderr, "parley-ferretdb:", err)
		os.Exit(1)
	}
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
