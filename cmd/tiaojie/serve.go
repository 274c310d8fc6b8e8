package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/config"
	"github.com/tiaojie/tiaojie/internal/court"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/server"
	"github.com/tiaojie/tiaojie/internal/smartsync"
)

func serve(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	cfg, err := config.Load("serve", args, getenv)
	if err != nil {
		return err
	}
	if err := dedupSettings(cfg).Validate(); err != nil {
		return err
	}
	log := newLogger(os.Stderr, cfg.LogLevel)
	db, s, err := openReady(ctx, cfg, out)
	if err != nil {
		return err
	}
	defer db.Close() // last: after the server and the background work have stopped
	if cfg.Demo {
		empty, err := demo.IsEmpty(ctx, db)
		if err != nil {
			return err
		}
		if empty {
			res, err := seedDemo(ctx, db, cfg, out)
			if err != nil {
				return err
			}
			printAccounts(out, res, cfg.DemoPassword)
		} else {
			fmt.Fprintln(out, "数据库已有数据，跳过演示数据生成。演示账号密码为 "+cfg.DemoPassword+"（admin、committee01、room_lead01、mediator01、regulator01、justice01、court01、expert01、analyst01、auditor01）")
		}
	}
	public := cfg.PublicURL
	if public == "" {
		public = "http://" + cfg.Addr
	}
	pc := platform.Config{Store: db, Sealer: s, Log: log, PublicURL: public, SMSSignature: cfg.SMSSignature, Dedup: dedupSettings(cfg),
		Jobs: jobs.Config{RescueAfter: cfg.JobRescueAfter}, WarningInterval: cfg.WarningInterval}
	// Every SMS is queued in the outbox; the SMS worker delivers it. Default
	// (and demo): it stays in the outbox page; with a gateway it is sent there.
	if cfg.SMSGatewayURL != "" {
		if cfg.SMSAPIKey == "" {
			return errors.New("TIAOJIE_SMS_API_KEY is required with TIAOJIE_SMS_GATEWAY_URL")
		}
		pc.SMSDeliverer = &notify.GatewaySender{BaseURL: cfg.SMSGatewayURL, APIKey: cfg.SMSAPIKey, Signature: cfg.SMSSignature, Log: log}
	} else if cfg.Demo {
		// No screen shows a party's code or link (separated duties); the
		// demo's "phones" are this output.
		pc.SMSDeliverer = &notify.OutboxDeliverer{Log: log, Signature: cfg.SMSSignature, Phone: out}
		fmt.Fprintln(out, "演示：短信不外发，当事人手机收到的短信（含验证码和链接）打印在此输出中，标为【演示手机】；系统内任何页面都不显示验证码和链接。")
	}
	if cfg.CourtURL != "" {
		if cfg.CourtAPIKey == "" {
			return errors.New("TIAOJIE_COURT_API_KEY is required with TIAOJIE_COURT_URL")
		}
		pc.Court = &court.Client{BaseURL: cfg.CourtURL, APIKey: cfg.CourtAPIKey}
	}
	if cfg.SmartMediationURL != "" {
		if cfg.SmartMediationKey == "" {
			return errors.New("TIAOJIE_SMART_MEDIATION_KEY is required with TIAOJIE_SMART_MEDIATION_URL")
		}
		pc.SmartMediation = smartsync.Config{URL: cfg.SmartMediationURL, APIKey: cfg.SmartMediationKey, Since: cfg.SmartMediationSince}
	} else if cfg.Demo {
		// The demo shows real sync traffic against the in-repo peer.
		link, stop, err := startDemoPeer()
		if err != nil {
			return err
		}
		defer stop()
		// The demo's link goes live today: its history earns subsidies without a sync.
		link.Since = time.Now().In(calendar.Shanghai()).Format(time.DateOnly)
		pc.SmartMediation = link
		fmt.Fprintln(out, "演示：智慧调解平台对接已连到进程内的模拟平台 "+link.URL+"（正式部署用 --smart-mediation-url 指向真实平台）")
	}
	svc, err := platform.New(pc)
	if err != nil {
		return err
	}
	srv, err := server.New(server.Options{Services: svc, Store: db, Pools: db.Pools(), SessionIdle: cfg.SessionIdle,
		SessionLifetime: cfg.SessionLifetime, SecureCookies: cfg.SecureCookies, MaxBodyBytes: cfg.MaxBodyBytes, TrustedProxies: cfg.TrustedProxies,
		MetricsToken: cfg.MetricsToken})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second}
	hs.RegisterOnShutdown(svc.Talk.Hub.Close) // live conversation streams end instead of holding shutdown
	if err := svc.Start(ctx); err != nil {
		return err
	}
	// /metrics on its own address, kept off the public network.
	var ms *http.Server
	if cfg.MetricsListen != "" {
		mln, err := net.Listen("tcp", cfg.MetricsListen)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen on %s (--metrics-listen): %w", cfg.MetricsListen, err)
		}
		ms = &http.Server{Addr: mln.Addr().String(), Handler: srv.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
		go ms.Serve(mln)
		defer ms.Close()
	}
	fmt.Fprintf(out, "调解平台已启动：http://%s/  （数据库：%s）\n", ln.Addr(), db.Dialect())
	if ms != nil {
		fmt.Fprintf(out, "监控指标：http://%s/metrics\n", ms.Addr)
	}
	log.Info("listening", "addr", ln.Addr().String(), "db", db.Dialect(), "version", version)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// SIGTERM, in order: stop accepting and let in-flight requests finish,
	// then stop the background work (sweeps, imports), then the deferred
	// database close.
	log.Info("shutting down", "grace", cfg.ShutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	var errs []error
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		errs = append(errs, fmt.Errorf("shutdown: %w", err))
	}
	if err := svc.Shutdown(sctx); err != nil {
		errs = append(errs, err)
	}
	log.Info("stopped")
	return errors.Join(errs...)
}
