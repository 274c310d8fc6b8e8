package ingest

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/tiaojie/tiaojie/internal/importer"
	"github.com/tiaojie/tiaojie/internal/store"
)

// maxOpenFiles is how many batches' files a process keeps between slices.
const maxOpenFiles = 2

// openFile is a batch's file kept between the slices this process runs, so
// the next slice goes on reading where the last stopped instead of loading
// the file and reading past the rows already done. The cursor in the
// database stays the truth: a reader anywhere else is reopened.
type openFile struct {
	mu     sync.Mutex // held by the slice using it
	loaded bool
	data   []byte
	r      *importer.Reader
	pos    int // records r has returned
	used   time.Time
}

// take returns the batch's file, locked for one slice.
func (s *Service) take(id int64) *openFile {
	s.mu.Lock()
	if s.files == nil {
		s.files = map[int64]*openFile{}
	}
	f := s.files[id]
	if f == nil {
		f = &openFile{}
		s.files[id] = f
		s.evictLocked(id)
	}
	f.used = time.Now()
	s.mu.Unlock()
	f.mu.Lock()
	return f
}

// evictLocked closes the least recently used idle files beyond the limit.
func (s *Service) evictLocked(keep int64) {
	for len(s.files) > maxOpenFiles {
		var old int64
		var of *openFile
		for id, f := range s.files {
			if id != keep && (of == nil || f.used.Before(of.used)) {
				old, of = id, f
			}
		}
		if of == nil || !of.mu.TryLock() {
			return // in use: it goes when its slice ends
		}
		of.reset()
		of.mu.Unlock()
		delete(s.files, old)
	}
}

// release unlocks the file after a slice; drop forgets it (the batch
// ended, or the slice rolled back and left the reader past the cursor).
func (s *Service) release(id int64, f *openFile, drop bool) {
	if drop {
		f.reset()
		s.mu.Lock()
		if s.files[id] == f {
			delete(s.files, id)
		}
		s.mu.Unlock()
	}
	f.mu.Unlock()
}

func (f *openFile) reset() {
	if f.r != nil {
		f.r.Close()
	}
	f.r, f.pos, f.data, f.loaded = nil, 0, nil, false
}

// load reads the file from the batch once.
func (f *openFile) load(ctx context.Context, tx store.Store, id int64) error {
	if f.loaded {
		return nil
	}
	data, err := tx.GetImportFile(ctx, id)
	if err != nil {
		return fmt.Errorf("load import file %d: %w", id, err)
	}
	f.data, f.loaded = data, true
	return nil
}

// seek leaves the reader after the first pos records, reopening the file
// when the reader is elsewhere.
func (f *openFile) seek(s *Service, name string, pos int) error {
	if f.r != nil && f.pos == pos {
		return nil
	}
	if f.r != nil {
		f.r.Close()
		f.r = nil
	}
	r, err := s.open(f.data, name)
	if err != nil {
		return err
	}
	f.r, f.pos = r, 0
	for f.pos < pos {
		if _, err := r.Next(); err == io.EOF {
			return fmt.Errorf("文件只有 %d 条记录", f.pos)
		} else if err != nil {
			return err
		}
		f.pos++
	}
	return nil
}
