package evidence

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/domain"
)

func encode(t *testing.T, w, h int, format string) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	var buf bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSniff(t *testing.T) {
	pdf := []byte("%PDF-1.7\n" + strings.Repeat("x", 5000) + "\n%%EOF\n")
	good := map[string][]byte{TypePNG: encode(t, 40, 30, "png"), TypeJPEG: encode(t, 40, 30, "jpeg"), TypePDF: pdf}
	for want, data := range good {
		if got, err := Sniff(data); err != nil || got != want {
			t.Errorf("Sniff(%s) = %q %v", want, got, err)
		}
	}
	pngHead := encode(t, 40, 30, "png")[:30]
	huge := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\xff\xff\x00\x00\xff\xff\x08\x06\x00\x00\x00\x00\x00\x00\x00")
	bad := map[string][]byte{
		"empty":           nil,
		"exe":             []byte("MZ\x90\x00\x03\x00\x00\x00"),
		"html":            []byte("<html><script>alert(1)</script>"),
		"svg":             []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`),
		"truncated png":   pngHead[:12],
		"pdf without end": []byte("%PDF-1.4\n1 0 obj"),
		"too large":       append([]byte("%PDF-"), make([]byte, MaxSize)...),
		"decompression":   huge,
	}
	for name, data := range bad {
		_, err := Sniff(data)
		var fe *domain.FieldError
		if !errors.As(err, &fe) || fe.Message == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestFileName(t *testing.T) {
	cases := []struct{ name, typ, want string }{
		{"发票.png", TypePNG, "发票.png"},
		{"发票.exe", TypePNG, "发票.png"},
		{`C:\Users\张\合同.PDF`, TypePDF, "合同.pdf"},
		{"../../etc/passwd", TypeJPEG, "passwd.jpg"},
		{"a\x00b\"c.jpg", TypeJPEG, "abc.jpg"},
		{"", TypePDF, "证据.pdf"},
		{"发票\u202egnp.exe", TypePNG, "发票gnp.png"},
		{strings.Repeat("长", 100) + ".png", TypePNG, strings.Repeat("长", 80) + ".png"},
	}
	for _, c := range cases {
		if got := FileName(c.name, c.typ); got != c.want {
			t.Errorf("FileName(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestPicture(t *testing.T) {
	if typ, err := Picture(encode(t, 10, 10, "jpeg")); err != nil || typ != TypeJPEG {
		t.Fatalf("photo: %q %v", typ, err)
	}
	if _, err := Picture([]byte("%PDF-1.4\n%%EOF")); err == nil {
		t.Fatal("a PDF taken as a photo")
	}
}
