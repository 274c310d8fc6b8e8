package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/audit"
	"github.com/tiaojie/tiaojie/internal/config"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

const keysUsage = "usage: tiaojie keys status [flags] | tiaojie keys rotate --new-key HEX [--batch N] [flags]"

// keysCmd: `tiaojie keys status` counts the sealed values by the key that
// sealed them; `tiaojie keys rotate --new-key …` re-seals every one with the
// new key (the configured keys open them), in batches, each batch a
// transaction with its audit entry; run again after an interruption, it
// carries on. Servers keep running: give them the new key among
// --previous-keys first (docs/operations.md).
func keysCmd(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	if len(args) == 0 || (args[0] != "status" && args[0] != "rotate") {
		return errors.New(keysUsage)
	}
	sub, rest := args[0], args[1:]
	var newKey string
	batch := 500
	var cfgArgs []string
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if sub == "rotate" && strings.HasPrefix(a, "-") && (name == "new-key" || name == "batch") {
			if !hasVal {
				if i+1 >= len(rest) {
					return fmt.Errorf("--%s needs a value", name)
				}
				i++
				val = rest[i]
			}
			if name == "new-key" {
				newKey = val
			} else {
				n, err := strconv.Atoi(val)
				if err != nil || n < 1 || n > 100000 {
					return errors.New("--batch must be a number between 1 and 100000")
				}
				batch = n
			}
			continue
		}
		cfgArgs = append(cfgArgs, a)
	}
	cfg, err := config.Load("keys", cfgArgs, getenv)
	if err != nil {
		return err
	}
	ring, err := sealer(cfg)
	if err != nil {
		return err
	}
	if sub == "rotate" {
		if newKey == "" {
			return errors.New("keys rotate: --new-key is required (64 hexadecimal characters, e.g. openssl rand -hex 32)\n" + keysUsage)
		}
		if ring, err = rotationRing(cfg, newKey); err != nil {
			return err
		}
	}
	db, err := openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer db.Close()
	if sub == "status" {
		return keysStatus(ctx, db, ring, out)
	}
	return keysRotate(ctx, db, ring, batch, out)
}

// rotationRing seals with the new key and opens with it and every
// configured key; the lookup hash stays on its key.
func rotationRing(cfg config.Config, newHex string) (*pii.Sealer, error) {
	nk, err := pii.ParseKey(newHex)
	if err != nil {
		return nil, fmt.Errorf("--new-key: %w", err)
	}
	if cfg.SecretKey == "" {
		return nil, errors.New("keys rotate: the current key must be configured (--secret-key / TIAOJIE_SECRET_KEY): it opens the values being re-sealed")
	}
	cur, err := pii.ParseKey(cfg.SecretKey)
	if err != nil {
		return nil, fmt.Errorf("--secret-key: %w", err)
	}
	open := [][]byte{cur}
	for _, p := range cfg.PreviousKeys {
		k, err := pii.ParseKey(p)
		if err != nil {
			return nil, fmt.Errorf("--previous-keys: %w", err)
		}
		open = append(open, k)
	}
	lookup := cur
	if cfg.LookupKey != "" {
		if lookup, err = pii.ParseKey(cfg.LookupKey); err != nil {
			return nil, fmt.Errorf("--lookup-key: %w", err)
		}
	}
	return pii.NewRing(nk, open, lookup)
}

func keysStatus(ctx context.Context, db *sqlstore.DB, ring *pii.Sealer, out io.Writer) error {
	counts, err := db.SealedKeyCounts(ctx)
	if err != nil {
		return err
	}
	total := map[string]int{}
	for _, c := range sqlstore.SealedColumns {
		for kid, n := range counts[c.Name()] {
			total[kid] += n
		}
	}
	fmt.Fprintf(out, "当前密钥 %s；已配置的密钥 %s（数据库：%s）\n", ring.CurrentKeyID(), strings.Join(ring.KeyIDs(), "、"), db.Dialect())
	kids := make([]string, 0, len(total))
	for k := range total {
		kids = append(kids, k)
	}
	slices.Sort(kids)
	for _, kid := range kids {
		note := ""
		switch {
		case kid == "v1":
			note = "（无密钥标识的旧格式，轮换后改为当前密钥）"
		case kid == ring.CurrentKeyID():
			note = "（当前密钥）"
		case slices.Contains(ring.KeyIDs(), kid):
			note = "（已配置的旧密钥，待轮换）"
		default:
			note = "（未配置的密钥：这些数据无法打开）"
		}
		fmt.Fprintf(out, "  密钥 %-8s %8d 项%s\n", kid, total[kid], note)
	}
	for _, c := range sqlstore.SealedColumns {
		m := counts[c.Name()]
		if len(m) == 0 {
			continue
		}
		var parts []string
		for _, kid := range kids {
			if m[kid] > 0 {
				parts = append(parts, fmt.Sprintf("%s=%d", kid, m[kid]))
			}
		}
		fmt.Fprintf(out, "    %-32s %s\n", c.Name(), strings.Join(parts, " "))
	}
	return nil
}

func keysRotate(ctx context.Context, db *sqlstore.DB, ring *pii.Sealer, batch int, out io.Writer) error {
	ctx = audit.With(ctx, audit.Actor{Kind: audit.KindSystem, Name: "密钥轮换（tiaojie keys rotate，新密钥 " + ring.CurrentKeyID() + "）"})
	total := 0
	for _, c := range sqlstore.SealedColumns {
		n, err := db.ResealColumn(ctx, c, ring.CurrentKeyID(), batch, func(v string) (string, error) {
			nv, _, err := ring.Reseal(v)
			return nv, err
		})
		total += n
		if err != nil {
			fmt.Fprintf(out, "已用新密钥 %s 重新加密 %d 项后中断；修正后再次运行即从剩余数据继续\n", ring.CurrentKeyID(), total)
			return fmt.Errorf("rotate %s (key %s): %w", c.Name(), ring.CurrentKeyID(), err)
		}
		if n > 0 {
			fmt.Fprintf(out, "  %-32s %d 项\n", c.Name(), n)
		}
	}
	fmt.Fprintf(out, "密钥轮换完成：%d 项已用新密钥 %s 重新加密（电话、证件号的查询哈希不变）。现在可把各实例的 --secret-key 换成新密钥，把旧密钥从 --previous-keys 中移除前先运行 tiaojie keys status 确认没有旧密钥的数据。\n", total, ring.CurrentKeyID())
	return nil
}
