// Package postgres opens a PostgreSQL database through pgx; it is the engine
// for several instances and for a city's or the nation's volume.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect describes PostgreSQL to sqlstore.
func Dialect() sqlstore.Dialect {
	sub, _ := fs.Sub(migrations, "migrations")
	return sqlstore.Dialect{
		Name:         "postgres",
		GooseDialect: goose.DialectPostgres,
		Migrations:   sub,
		IsUnique: func(err error) bool {
			var e *pgconn.PgError
			return errors.As(err, &e) && e.Code == "23505"
		},
	}
}

// Open connects to url and migrates the database.
func Open(ctx context.Context, url string) (*sqlstore.DB, error) {
	db, err := OpenNoMigrate(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// OpenNoMigrate connects without touching the schema.
func OpenNoMigrate(ctx context.Context, url string) (*sqlstore.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return sqlstore.New(db, db, Dialect()), nil
}
