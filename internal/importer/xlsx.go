package importer

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Limits for workbooks. A 12315 export of a busy day is a few megabytes
// zipped; the limits stop zip bombs and stray attachments, not real exports.
const (
	maxZipEntries = 10_000
	// maxUnzippedBytes bounds the declared uncompressed size of all parts
	// (archive/zip enforces the declared sizes while reading).
	maxUnzippedBytes = 2 << 30
	// maxOtherPartBytes bounds the parts excelize keeps in memory: everything
	// except worksheets and the shared strings (styles, workbook, drawings, …).
	maxOtherPartBytes = 128 << 20
	// xmlMemLimit: worksheets and shared strings larger than this are unzipped
	// by excelize to temporary files and streamed from there, not kept in memory.
	xmlMemLimit = 4 << 20
)

var errEmptyWorkbook = errors.New("表格为空")

// workbookParts locates the workbook's sheets inside the zip.
type workbookParts struct {
	files  map[string]*zip.File // by lower-case name
	sheets map[string]string    // sheet name → part name
}

// checkZip rejects archives that are not workbooks or would unpack to far
// more than a real export, and maps sheet names to their XML parts.
func checkZip(zr *zip.Reader) (*workbookParts, error) {
	if len(zr.File) > maxZipEntries {
		return nil, errNotSpreadsheet
	}
	wp := &workbookParts{files: map[string]*zip.File{}, sheets: map[string]string{}}
	var total, other uint64
	for _, f := range zr.File {
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		wp.files[name] = f
		total += f.UncompressedSize64
		if !strings.HasPrefix(name, "xl/worksheets/") && !strings.HasSuffix(name, "sharedstrings.xml") {
			other += f.UncompressedSize64
		}
	}
	if total > maxUnzippedBytes || other > maxOtherPartBytes {
		return nil, fmt.Errorf("文件解压后过大（超过 %d MB），不像是投诉导出表，无法导入", maxUnzippedBytes>>20)
	}
	wbPath := "xl/workbook.xml"
	if rels, err := readRels(wp, "_rels/.rels"); err == nil {
		for _, r := range rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPath = resolvePart("", r.Target)
			}
		}
	}
	if wp.files[strings.ToLower(wbPath)] == nil {
		return nil, errNotSpreadsheet
	}
	var wb struct {
		Sheets []struct {
			Name  string     `xml:"name,attr"`
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := decodePart(wp, wbPath, &wb); err != nil {
		return nil, errNotSpreadsheet
	}
	rels, _ := readRels(wp, path.Join(path.Dir(wbPath), "_rels", path.Base(wbPath)+".rels"))
	targets := map[string]string{}
	for _, r := range rels {
		targets[r.ID] = resolvePart(path.Dir(wbPath), r.Target)
	}
	for _, s := range wb.Sheets {
		for _, a := range s.Attrs {
			if a.Name.Local == "id" && targets[a.Value] != "" {
				wp.sheets[s.Name] = targets[a.Value]
			}
		}
	}
	return wp, nil
}

type relationship struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

func readRels(wp *workbookParts, name string) ([]relationship, error) {
	var rels struct {
		Rels []relationship `xml:"Relationship"`
	}
	err := decodePart(wp, name, &rels)
	return rels.Rels, err
}

// decodePart decodes a small XML part (at most 16 MB is read).
func decodePart(wp *workbookParts, name string, v any) error {
	f := wp.files[strings.ToLower(name)]
	if f == nil {
		return os.ErrNotExist
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, 16<<20)).Decode(v)
}

// resolvePart turns a relationship target into a part name.
func resolvePart(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Clean(path.Join(dir, target)), "/")
}

// xlsxSource yields the rows of one worksheet through excelize's streaming
// row iterator, with merged values filled in and formula cells that lack a
// cached value flagged.
type xlsxSource struct {
	f      *excelize.File
	sheet  string
	rows   *excelize.Rows
	line   int
	scan   *sheetScan
	filler *mergeFiller
	err    error
}

// openWorkbook copies the upload to a temporary file (excelize opens either
// a path or a whole in-memory copy; a file keeps memory flat) and opens it
// with limits that make excelize unzip large worksheets and shared strings to
// temporary files instead of memory.
func openWorkbook(r io.ReaderAt, size int64) (*excelize.File, error) {
	tmp, err := os.CreateTemp("", "tiaojie-import-*.xlsx")
	if err != nil {
		return nil, fmt.Errorf("无法创建临时文件：%w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, io.NewSectionReader(r, 0, size))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("无法保存上传的文件：%w", err)
	}
	f, err := excelize.OpenFile(tmp.Name(), excelize.Options{
		UnzipSizeLimit:    maxUnzippedBytes,
		UnzipXMLSizeLimit: xmlMemLimit,
	})
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, errCorrupt // checkZip found a workbook, so it is damaged
	}
	return f, nil
}

// openXLSX opens the first worksheet that has a header row and positions the
// source after it. With no such sheet the error is a *HeaderError for the
// first non-empty sheet, or "表格为空".
func openXLSX(r io.ReaderAt, size int64) (src *xlsxSource, hi *headerInfo, err error) {
	var opened *excelize.File
	defer func() {
		// excelize parses untrusted XML; a panic on a malformed part must
		// not take the server down.
		if p := recover(); p != nil {
			if opened != nil {
				opened.Close()
			}
			src, hi, err = nil, nil, errCorrupt
		}
	}()
	return openXLSXSheet(r, size, &opened)
}

// errCorrupt is the message for a workbook whose parts cannot be parsed.
var errCorrupt = errors.New("文件已损坏，无法读取，请在 Excel 中打开并另存为 .xlsx 后再导入")

// openXLSXSheet does openXLSX's work; it records the opened workbook in
// *opened so that a panic can still release it.
func openXLSXSheet(r io.ReaderAt, size int64, opened **excelize.File) (*xlsxSource, *headerInfo, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, nil, errNotSpreadsheet
	}
	wp, err := checkZip(zr)
	if err != nil {
		return nil, nil, err
	}
	f, err := openWorkbook(r, size)
	if err != nil {
		return nil, nil, err
	}
	*opened = f
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	var firstErr error
	// excelize ignores read errors of the parts it unzips (a damaged part
	// would silently lose rows), so the parts rows come from are checked
	// here: the shared strings now, each worksheet by its pre-scan.
	if zf := wp.files["xl/sharedstrings.xml"]; zf != nil {
		if err := checkPart(zf); err != nil {
			f.Close()
			return nil, nil, errCorrupt
		}
	}
	for _, name := range f.GetSheetList() {
		scan := &sheetScan{noValue: map[cellPos]struct{}{}}
		if part, ok := wp.sheets[name]; ok {
			if zf := wp.files[strings.ToLower(part)]; zf != nil {
				if scan, err = scanPart(zf); err != nil {
					f.Close()
					return nil, nil, errCorrupt
				}
			}
		}
		src := &xlsxSource{f: f, sheet: name, scan: scan}
		if src.rows, err = f.Rows(name); err != nil {
			continue // a chart sheet or a broken part: look further
		}
		hi, err := findHeader(src)
		src.rows.Close()
		switch {
		case err == errEmptyWorkbook:
			continue
		case err != nil:
			if firstErr == nil {
				firstErr = err
			}
			if _, isHeader := err.(*HeaderError); !isHeader {
				f.Close()
				return nil, nil, err
			}
			continue
		}
		// Found: stream the sheet again from the top, so that merged
		// ranges starting above the header are seen, up to the header.
		src.filler = newMergeFiller(scan.merges)
		src.line, src.err = 0, nil
		if src.rows, err = f.Rows(name); err != nil {
			f.Close()
			return nil, nil, errCorrupt
		}
		for src.line < hi.line {
			if _, err := src.next(); err != nil {
				src.close()
				return nil, nil, err
			}
		}
		hi.date1904 = date1904
		return src, hi, nil
	}
	f.Close()
	if firstErr != nil {
		return nil, nil, firstErr
	}
	return nil, nil, errEmptyWorkbook
}

// scanPart pre-scans a worksheet part, reading all of it through
// archive/zip, which verifies its size and checksum.
func scanPart(zf *zip.File) (*sheetScan, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	scan, err := scanSheet(rc)
	if err != nil {
		return nil, err
	}
	// The scanner may stop before the end; the checksum is verified at EOF.
	if _, err := io.Copy(io.Discard, rc); err != nil {
		return nil, err
	}
	return scan, nil
}

// checkPart reads a part to its end, verifying its size and checksum.
func checkPart(zf *zip.File) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	return err
}

func (s *xlsxSource) next() (rec record, err error) {
	defer func() {
		if p := recover(); p != nil {
			s.err = fmt.Errorf("第%d行：%w", s.line, errCorrupt)
			rec, err = record{}, s.err
		}
	}()
	if s.err != nil {
		return record{}, s.err
	}
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			s.err = fmt.Errorf("第%d行之后的内容无法读取：%w", s.line, err)
		} else {
			s.err = io.EOF
		}
		return record{}, s.err
	}
	s.line++
	cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		s.err = fmt.Errorf("第%d行无法读取，文件可能已损坏", s.line)
		return record{}, s.err
	}
	rec = record{line: s.line, raw: cells, values: cells}
	if s.filler != nil {
		rec.values = s.filler.fill(s.line, cells)
	}
	if s.scan != nil && len(s.scan.noValue) > 0 {
		for c := 1; c <= max(len(cells), 1); c++ {
			if _, ok := s.scan.noValue[cellPos{s.line, c}]; ok {
				rec.noValue = append(rec.noValue, c-1)
			}
		}
	}
	return rec, nil
}

func (s *xlsxSource) close() error {
	var err error
	if s.rows != nil {
		err = s.rows.Close()
		s.rows = nil
	}
	if s.f != nil {
		if cerr := s.f.Close(); err == nil {
			err = cerr
		}
		s.f = nil
	}
	return err
}
