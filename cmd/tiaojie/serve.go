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

	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/assignment"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/config"
	"github.com/tiaojie/tiaojie/internal/consent"
	"github.com/tiaojie/tiaojie/internal/consultation"
	"github.com/tiaojie/tiaojie/internal/conversation"
	"github.com/tiaojie/tiaojie/internal/court"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/diversion"
	"github.com/tiaojie/tiaojie/internal/grouping"
	"github.com/tiaojie/tiaojie/internal/ingest"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/mediation"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/online"
	"github.com/tiaojie/tiaojie/internal/server"
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
	db, s, err := openReady(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
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
	authSvc := &auth.Service{Store: db}
	div := &diversion.Service{Store: db}
	grp := &grouping.Service{Store: db, Settings: dedupSettings(cfg), Sealer: s}
	public := cfg.PublicURL
	if public == "" {
		public = "http://" + cfg.Addr
	}
	// Default (and demo): every SMS lands in the outbox page; with a gateway it is sent and recorded there too.
	var sender notify.Sender = &notify.OutboxSender{Outbox: consent.Outbox{Store: db}, Hash: s.Hash, Log: log, Signature: cfg.SMSSignature}
	if cfg.SMSGatewayURL != "" {
		if cfg.SMSAPIKey == "" {
			return errors.New("TIAOJIE_SMS_API_KEY is required with TIAOJIE_SMS_GATEWAY_URL")
		}
		sender = &notify.GatewaySender{BaseURL: cfg.SMSGatewayURL, APIKey: cfg.SMSAPIKey, Signature: cfg.SMSSignature, Log: log,
			Outbox: consent.Outbox{Store: db}, Hash: s.Hash}
	}
	agr := &agreement.Service{Store: db, Sealer: s, Sender: sender, BaseURL: public}
	if cfg.CourtURL != "" {
		if cfg.CourtAPIKey == "" {
			return errors.New("TIAOJIE_COURT_API_KEY is required with TIAOJIE_COURT_URL")
		}
		agr.Court = &court.Client{BaseURL: cfg.CourtURL, APIKey: cfg.CourtAPIKey}
	}
	cons := &consent.Service{Store: db, Sealer: s, Sender: sender, BaseURL: public}
	grp.Sender = sender
	med := &mediation.Service{Store: db, Sender: sender, Sealer: s}
	in := &intake.Service{Store: db, Sealer: s, Router: div, Duplicates: grp}
	talk := &conversation.Service{Store: db, Sealer: s, Sender: sender, BaseURL: public, Hub: &conversation.Hub{}}
	srv, err := server.New(server.Options{
		Store: db, Auth: authSvc, Intake: in, Ingest: &ingest.Service{Store: db, Intake: in, Sealer: s}, Diversion: div, Grouping: grp, Consent: cons,
		Online:       &online.Service{Store: db, Intake: in, Sender: sender, Sealer: s},
		Assignment:   &assignment.Service{Store: db},
		Mediation:    med,
		Consultation: &consultation.Service{Store: db},
		Agreement:    agr,
		Talk:         talk,
		Log:          log, Pools: db.Pools(),
		SessionIdle: cfg.SessionIdle, SessionLifetime: cfg.SessionLifetime, SecureCookies: cfg.SecureCookies, MaxBodyBytes: cfg.MaxBodyBytes,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second}
	sweeps := []jobs.Job{
		jobs.Job{Name: "sessions", Every: 10 * time.Minute, Run: func(ctx context.Context) error {
			_, err := db.SessionDeleteExpired(ctx, time.Now())
			return err
		}},
		jobs.Job{Name: "consent", Every: 30 * time.Minute, Run: func(ctx context.Context) error {
			_, _, err := cons.Sweep(ctx)
			return err
		}},
		jobs.Job{Name: "session-reminders", Every: 30 * time.Minute, Run: func(ctx context.Context) error {
			_, err := med.SweepReminders(ctx)
			return err
		}},
		jobs.Job{Name: "odr", Every: 15 * time.Minute, Run: func(ctx context.Context) error {
			n, err := div.SweepODR(ctx)
			if n > 0 {
				log.Info("odr negotiations past their deadline moved on to mediation", "cases", n)
			}
			return err
		}},
	}
	if agr.Court != nil {
		sweeps = append(sweeps, jobs.Job{Name: "judicial-sync", Every: 15 * time.Minute, Run: func(ctx context.Context) error {
			n, err := agr.SyncJudicial(ctx)
			if n > 0 {
				log.Info("court outcomes recorded", "applications", n)
			}
			return err
		}})
	}
	jobs.Start(ctx, log, sweeps...)
	fmt.Fprintf(out, "调解平台已启动：http://%s/  （数据库：%s）\n", ln.Addr(), db.Dialect())
	log.Info("listening", "addr", ln.Addr().String(), "db", db.Dialect(), "version", version)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// SIGTERM: stop accepting, let in-flight requests finish.
	log.Info("shutting down", "grace", cfg.ShutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	hs.RegisterOnShutdown(talk.Hub.Close) // live conversation streams end instead of holding shutdown
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}
