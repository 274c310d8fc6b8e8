package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/tiaojie/tiaojie/internal/smartmediation/peer"
	"github.com/tiaojie/tiaojie/internal/smartsync"
)

// startDemoPeer runs the in-repo smart-mediation peer on a local port for
// the demo, so the sync page shows real traffic and synced cases carry a
// platform id. It holds its records in memory: a restarted demo sends
// again and the peer numbers them afresh.
func startDemoPeer() (smartsync.Config, func(), error) {
	b := make([]byte, 16)
	rand.Read(b)
	key := hex.EncodeToString(b)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return smartsync.Config{}, nil, fmt.Errorf("demo smart-mediation peer: %w", err)
	}
	hs := &http.Server{Handler: peer.New(peer.Options{APIKey: key, StrictReferences: true}), ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln)
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		hs.Shutdown(ctx)
	}
	return smartsync.Config{URL: "http://" + ln.Addr().String(), APIKey: key}, stop, nil
}
