package main

import (
	"context"
	"errors"
	"io"
)

func backupCmd(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	return errors.New("not yet")
}

func restoreCmd(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	return errors.New("not yet")
}
