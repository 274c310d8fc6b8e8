package ingest

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/importer"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/store"
)

// seqRow is a row read in a slice with its ordinal among the file's records.
type seqRow struct {
	seq int
	row importer.Row
}

// importRows imports a slice's rows with the outcome importRow would give
// each in turn, counting them on b, and returns the failed rows. New
// complaints (a 12315 number that is no case yet) are queued and registered
// together through intake.RegisterBatch; before a row that reads or changes
// an existing case (an update, or a number repeated within the slice) the
// queue is registered first, so every row sees exactly the rows before it.
func (s *Service) importRows(ctx context.Context, tx store.Store, in *intake.Service, p *auth.Principal, rows []seqRow, b *store.ImportBatch) ([]store.ImportRowError, error) {
	var errs []store.ImportRowError
	count := func(r seqRow, outcome, msg string) {
		switch outcome {
		case "imported":
			b.Imported++
		case "updated":
			b.Updated++
		case "skipped":
			b.Skipped++
		default:
			b.Failed++
			errs = append(errs, store.ImportRowError{Seq: r.seq, Cells: r.row.Raw, Reason: msg})
		}
	}
	var ids []string
	for _, r := range rows {
		if r.row.Err == "" && r.row.Complaint.ExternalID != "" {
			ids = append(ids, r.row.Complaint.ExternalID)
		}
	}
	known, err := tx.CaseIDsByExternalID(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("import slice: %w", err)
	}
	var queue []seqRow
	queued := map[string]bool{}
	flush := func() {
		if len(queue) == 0 {
			return
		}
		cs := make([]intake.Complaint, len(queue))
		keys := make([]string, len(queue))
		for i, r := range queue {
			cs[i] = r.row.Complaint
			cs[i].Channel = string(domain.Channel12315)
			keys[i] = "12315:" + cs[i].ExternalID
		}
		for i, res := range in.RegisterBatch(ctx, p, cs, keys) {
			if res.Err != nil {
				_, msg := access.StatusOf(res.Err)
				count(queue[i], "failed", msg)
			} else {
				count(queue[i], "imported", "")
			}
		}
		queue = queue[:0]
		clear(queued)
	}
	for _, r := range rows {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		x := r.row.Complaint.ExternalID
		if r.row.Err == "" && x != "" {
			if known[x] == 0 && !queued[x] {
				queue = append(queue, r)
				queued[x] = true
				continue
			}
			flush()
		}
		outcome, msg := s.importRow(ctx, tx, in, p, r.row)
		count(r, outcome, msg)
	}
	flush()
	slices.SortFunc(errs, func(a, b store.ImportRowError) int { return cmp.Compare(a.Seq, b.Seq) })
	return errs, nil
}
