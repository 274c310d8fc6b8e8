package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// sniffSize is how much of the start of a file is examined to tell its kind,
// encoding and delimiter.
const sniffSize = 64 << 10

// maxRecordBytes bounds one CSV record (a row of a real export is a few
// kilobytes; a description is at most 5000 characters). A longer record, such
// as an unterminated quote or binary junk without line breaks, stops the
// import instead of growing without bound.
const maxRecordBytes = 1 << 20

var errRecordTooLong = errors.New("record too long")

// errNotSpreadsheet is the message for content that is neither .xlsx nor text.
var errNotSpreadsheet = errors.New("不是有效的 .xlsx 或 .csv 文件")

// errXLS is the message for an Excel 97-2003 (OLE) file, or an encrypted workbook.
var errXLS = errors.New("不支持旧版 Excel（.xls）格式或加密的工作簿，请在 Excel 中另存为 .xlsx 或 CSV 后再导入")

// textEncoding is how a CSV file is encoded.
type textEncoding int

const (
	encUTF8 textEncoding = iota
	encGB18030
	encUTF16LE
	encUTF16BE
)

// detectText decides a non-zip file's text encoding and where the text starts
// (after a byte-order mark), or rejects binary content. The whole file is
// checked for UTF-8 validity in chunks, never held in memory at once.
func detectText(r io.ReaderAt, size int64, head []byte) (textEncoding, int64, error) {
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		return encUTF8, 3, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return encUTF16LE, 2, nil
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return encUTF16BE, 2, nil
	}
	if looksBinary(head) {
		return 0, 0, errNotSpreadsheet
	}
	ok, err := validUTF8(r, size)
	if err != nil {
		return 0, 0, err
	}
	if ok {
		return encUTF8, 0, nil
	}
	return encGB18030, 0, nil
}

// looksBinary: text exports contain no NUL bytes and hardly any other
// control characters.
func looksBinary(b []byte) bool {
	ctrl := 0
	for _, c := range b {
		switch {
		case c == 0:
			return true
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f', c == 0x7f:
			ctrl++
		}
	}
	return ctrl > len(b)/100
}

// validUTF8 reads the file in chunks and reports whether all of it is UTF-8.
func validUTF8(r io.ReaderAt, size int64) (bool, error) {
	const chunk = 256 << 10
	buf := make([]byte, chunk+utf8.UTFMax)
	carry := 0
	for off := int64(0); off < size; {
		n, err := r.ReadAt(buf[carry:carry+chunk], off)
		if err != nil && err != io.EOF {
			return false, fmt.Errorf("读取文件失败：%w", err)
		}
		if n == 0 {
			break
		}
		off += int64(n)
		data := buf[:carry+n]
		cut := len(data)
		if off < size {
			// Keep an incomplete sequence at the end for the next round.
			for i := len(data) - 1; i >= 0 && i >= len(data)-utf8.UTFMax; i-- {
				if utf8.RuneStart(data[i]) {
					if !utf8.FullRune(data[i:]) {
						cut = i
					}
					break
				}
			}
		}
		if !utf8.Valid(data[:cut]) {
			return false, nil
		}
		carry = copy(buf, data[cut:])
	}
	return carry == 0 || utf8.Valid(buf[:carry]), nil
}

// decoder turns the raw bytes into UTF-8.
func (e textEncoding) decoder(r io.Reader) io.Reader {
	switch e {
	case encGB18030:
		return transform.NewReader(r, simplifiedchinese.GB18030.NewDecoder())
	case encUTF16LE:
		return transform.NewReader(r, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder())
	case encUTF16BE:
		return transform.NewReader(r, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder())
	}
	return r
}

// detectDelimiter returns '\t' when one of the first lines, split at tabs,
// names at least three known columns (and more than split at commas);
// otherwise ','.
func detectDelimiter(text string) rune {
	lines := strings.Split(text, "\n")
	seen := 0
	for _, line := range lines {
		if seen >= headerScanRows {
			break
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		seen++
		tabs := len(matchHeaderRow(strings.Split(line, "\t")))
		commas := len(matchHeaderRow(strings.Split(line, ",")))
		if tabs >= headerMinMatches && tabs > commas {
			return '\t'
		}
		if commas >= headerMinMatches {
			return ','
		}
	}
	return ','
}

// limitReader fails once more than max bytes are read since the last reset,
// which bounds how much encoding/csv buffers for one record.
type limitReader struct {
	r      io.Reader
	n, max int
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n > l.max {
		return 0, errRecordTooLong
	}
	n, err := l.r.Read(p)
	l.n += n
	return n, err
}

// csvSource yields the records of a CSV file.
type csvSource struct {
	cr       *csv.Reader
	lim      *limitReader
	lastLine int
	lastErr  error
}

func newCSVSource(r io.ReaderAt, size int64, head []byte) (*csvSource, error) {
	enc, start, err := detectText(r, size, head)
	if err != nil {
		return nil, err
	}
	headText, _ := io.ReadAll(io.LimitReader(enc.decoder(bytes.NewReader(head[start:])), 4*sniffSize))
	comma := detectDelimiter(string(headText))
	lim := &limitReader{r: enc.decoder(io.NewSectionReader(r, start, size-start)), max: maxRecordBytes}
	cr := csv.NewReader(lim)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = false
	return &csvSource{cr: cr, lim: lim}, nil
}

func (s *csvSource) next() (record, error) {
	if s.lastErr != nil {
		return record{}, s.lastErr
	}
	rec, err := s.cr.Read()
	if err != nil {
		switch {
		case err == io.EOF:
		case errors.Is(err, errRecordTooLong):
			if s.lastLine == 0 {
				err = fmt.Errorf("文件开头的一行内容过长（超过 %d MB）或引号不配对，不是有效的 CSV 文件", maxRecordBytes>>20)
			} else {
				err = fmt.Errorf("第%d行之后的一行内容过长（超过 %d MB）或引号不配对，文件可能已损坏", s.lastLine, maxRecordBytes>>20)
			}
		default:
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				err = fmt.Errorf("第%d行格式错误，无法读取", pe.StartLine)
			} else {
				err = fmt.Errorf("读取文件失败：%w", err)
			}
		}
		s.lastErr = err
		return record{}, err
	}
	s.lim.n = 0
	s.lastLine, _ = s.cr.FieldPos(0)
	return record{line: s.lastLine, raw: rec, values: rec}, nil
}

func (s *csvSource) close() error { return nil }
