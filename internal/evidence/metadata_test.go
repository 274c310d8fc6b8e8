package evidence

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"testing"
)

// exifWithGPS is an APP1 segment: IFD0 with orientation 6 and a GPS pointer,
// followed by the tell-tale bytes of a position.
func exifWithGPS() []byte {
	tiff := []byte{'I', 'I', 42, 0, 8, 0, 0, 0, // little-endian, IFD0 at 8
		2, 0, // two entries
		0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, // orientation = 6
		0x25, 0x88, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0, // GPS IFD at 38
		0, 0, 0, 0}
	tiff = append(tiff, []byte("GPS 31.2304N 121.4737E secret-device")...)
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

func TestStripJPEG(t *testing.T) {
	plain := encode(t, 40, 30, "jpeg")
	com := []byte{0xFF, 0xFE, 0, 10, 's', 'e', 'c', 'r', 'e', 't', '!', '!'}
	photo := append(append(append([]byte{}, plain[:2]...), append(exifWithGPS(), com...)...), plain[2:]...)
	if _, err := Sniff(photo); err != nil {
		t.Fatalf("test photo: %v", err)
	}
	out := StripMetadata(photo, TypeJPEG)
	if bytes.Contains(out, []byte("GPS")) || bytes.Contains(out, []byte("secret")) {
		t.Fatal("position or comment kept")
	}
	img, _, err := image.Decode(bytes.NewReader(out))
	if err != nil || img.Bounds().Dx() != 40 || img.Bounds().Dy() != 30 {
		t.Fatalf("stripped picture: %v", err)
	}
	// The orientation survives, so the photo is not shown sideways.
	i := bytes.Index(out, []byte("Exif\x00\x00"))
	if i < 0 || exifOrientation(out[i:]) != 6 {
		t.Fatal("orientation lost")
	}
	if got := StripMetadata(plain, TypeJPEG); !bytes.Equal(got, plain) {
		t.Error("a photo without metadata changed")
	}
	if got := StripMetadata([]byte("\xff\xd8\xff\xe1\xff\xff"), TypeJPEG); !bytes.Equal(got, []byte("\xff\xd8\xff\xe1\xff\xff")) {
		t.Error("a damaged JPEG was rewritten")
	}
}

func chunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

func TestStripPNG(t *testing.T) {
	plain := encode(t, 40, 30, "png")
	iend := bytes.Index(plain, []byte("IEND")) - 4
	withText := append(append(append([]byte{}, plain[:iend]...), append(chunk("tEXt", []byte("Comment\x00secret place")), chunk("eXIf", []byte("MM\x00*GPS"))...)...), plain[iend:]...)
	if _, _, err := image.Decode(bytes.NewReader(withText)); err != nil {
		t.Fatalf("test PNG: %v", err)
	}
	out := StripMetadata(withText, TypePNG)
	if bytes.Contains(out, []byte("secret")) || bytes.Contains(out, []byte("GPS")) {
		t.Fatal("text or eXIf kept")
	}
	if !bytes.Equal(out, plain) {
		t.Fatal("stripping changed the picture's own chunks")
	}
	pdf := []byte("%PDF-1.4 GPS %%EOF")
	if got := StripMetadata(pdf, TypePDF); !bytes.Equal(got, pdf) {
		t.Fatal("a PDF was changed")
	}
}

// Phones append a second image or a motion clip after the picture, with
// its own EXIF; a fill byte may stand before a marker. Neither lets a
// position through.
func TestStripJPEGTrailerAndFill(t *testing.T) {
	plain := encode(t, 40, 30, "jpeg")
	trailer := append(append([]byte{0xFF, 0xD8}, exifWithGPS()...), 0xFF, 0xD9)
	withTrailer := append(append([]byte{}, plain...), trailer...)
	if out := StripMetadata(withTrailer, TypeJPEG); bytes.Contains(out, []byte("GPS")) {
		t.Fatal("GPS kept in data after the end of the image")
	}
	// A fill byte before the EXIF segment.
	filled := append(append(append([]byte{}, plain[:2]...), append([]byte{0xFF}, exifWithGPS()...)...), plain[2:]...)
	if _, _, err := image.Decode(bytes.NewReader(filled)); err != nil {
		t.Fatalf("test photo with a fill byte: %v", err)
	}
	out := StripMetadata(filled, TypeJPEG)
	if bytes.Contains(out, []byte("GPS")) {
		t.Fatal("a fill byte let GPS through")
	}
	if img, _, err := image.Decode(bytes.NewReader(out)); err != nil || img.Bounds().Dx() != 40 {
		t.Fatalf("stripped picture: %v", err)
	}
}

// Whatever the bytes, stripping neither panics nor keeps a picture from decoding.
func FuzzStripMetadata(f *testing.F) {
	t := &testing.T{}
	f.Add(encode(t, 8, 8, "jpeg"), true)
	f.Add(encode(t, 8, 8, "png"), false)
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM\x00*\xff\xff\xff\xff"), true)
	f.Add([]byte("\x89PNG\r\n\x1a\n\xff\xff\xff\xffIHDR"), false)
	f.Fuzz(func(t *testing.T, data []byte, jpegType bool) {
		typ := TypePNG
		if jpegType {
			typ = TypeJPEG
		}
		_, _, inErr := image.Decode(bytes.NewReader(data))
		out := StripMetadata(data, typ)
		if inErr == nil {
			if _, _, err := image.Decode(bytes.NewReader(out)); err != nil {
				t.Fatalf("a picture that decoded no longer does: %v", err)
			}
		}
	})
}
