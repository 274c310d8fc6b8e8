// Package evidence checks files people hand in — evidence in online
// mediation, signed records, commendation photos — by their content, never
// their name, and strips what a phone writes into a picture besides the
// picture. Pure: no I/O.
package evidence

import (
	"bytes"
	"image"
	_ "image/jpeg" // decoders for the content check
	_ "image/png"
	"path"
	"strings"
	"unicode"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// Limits.
const (
	MaxSize   = 10 << 20 // bytes
	MaxPixels = 40_000_000
)

// Content types, found from the bytes themselves.
const (
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
	TypePDF  = "application/pdf"
)

var extOf = map[string]string{TypePNG: ".png", TypeJPEG: ".jpg", TypePDF: ".pdf"}

// Sniff finds what a file is from its content, never its name: a PNG or JPEG
// that decodes to a sane size, or a PDF with its header and end marker.
// Anything else is refused with the reason in Chinese.
func Sniff(data []byte) (string, error) {
	bad := func(m string) error { return &domain.FieldError{Field: "file", Message: m} }
	switch {
	case len(data) == 0:
		return "", bad("请选择要上传的文件")
	case len(data) > MaxSize:
		return "", bad("文件不能超过10MB")
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")), bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return "", bad("图片已损坏，无法识别")
		}
		if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > MaxPixels {
			return "", bad("图片尺寸过大")
		}
		if format == "png" {
			return TypePNG, nil
		}
		return TypeJPEG, nil
	case bytes.HasPrefix(data, []byte("%PDF-")):
		tail := data[max(0, len(data)-2048):]
		if !bytes.Contains(tail, []byte("%%EOF")) {
			return "", bad("PDF文件不完整，请重新导出后上传")
		}
		return TypePDF, nil
	}
	return "", bad("只能上传JPG、PNG图片或PDF文件（按文件内容识别，改扩展名无效）")
}

// FileName keeps a display name safe: the base name only, no control
// characters, at most 80 characters, with the extension of what it really is.
func FileName(name, contentType string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '"' || r == '/' {
			return -1
		}
		return r
	}, name)
	ext := extOf[contentType]
	stem := strings.TrimSuffix(name, path.Ext(name))
	if stem == "" || stem == "." {
		stem = "证据"
	}
	if r := []rune(stem); len(r) > 80 {
		stem = string(r[:80])
	}
	return stem + ext
}

// Picture is Sniff for a photo: a JPEG or PNG, not a PDF.
func Picture(data []byte) (string, error) {
	typ, err := Sniff(data)
	if err == nil && typ == TypePDF {
		return "", &domain.FieldError{Field: "file", Message: "请上传JPG或PNG格式的照片"}
	}
	return typ, err
}
