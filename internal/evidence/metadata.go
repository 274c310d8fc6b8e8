package evidence

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"image/png"
)

// StripMetadata removes what a phone writes into a picture besides the
// picture — GPS position, device, time, comments, and whatever is appended
// after the image (motion clips, second images with their own EXIF) —
// before the other party can download it. A JPEG keeps only its orientation
// (so it is not shown sideways); a PNG loses its eXIf and text chunks. A
// picture whose structure cannot be walked is re-encoded from its pixels,
// so nothing unknown survives. PDFs are returned as they are.
func StripMetadata(data []byte, typ string) []byte {
	switch typ {
	case TypeJPEG:
		if out, ok := stripJPEG(data); ok {
			return out
		}
	case TypePNG:
		if out, ok := stripPNG(data); ok {
			return out
		}
	default:
		return data
	}
	return reencode(data, typ)
}

// reencode draws the picture anew; only pixels survive.
func reencode(data []byte, typ string) []byte {
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return data // Sniff has decoded it before; this does not happen
	}
	var buf bytes.Buffer
	if typ == TypePNG {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92})
	}
	if err != nil {
		return data
	}
	return buf.Bytes()
}

func stripJPEG(data []byte) ([]byte, bool) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil, false
	}
	out := bytes.NewBuffer(make([]byte, 0, len(data)))
	out.Write(data[:2])
	kept := false // the orientation, rewritten where the EXIF block was
	i := 2
	for i < len(data) {
		if data[i] != 0xFF {
			return nil, false
		}
		for i+1 < len(data) && data[i+1] == 0xFF { // fill bytes before a marker
			i++
		}
		if i+1 >= len(data) {
			return nil, false
		}
		marker := data[i+1]
		switch {
		case marker == 0xD9: // end of image: anything after it is dropped
			out.Write(data[i : i+2])
			return out.Bytes(), true
		case marker >= 0xD0 && marker <= 0xD7, marker == 0x01: // no length
			out.Write(data[i : i+2])
			i += 2
			continue
		}
		if i+4 > len(data) {
			return nil, false
		}
		n := int(binary.BigEndian.Uint16(data[i+2 : i+4]))
		if n < 2 || n > len(data)-i-2 {
			return nil, false
		}
		seg := data[i : i+2+n]
		switch {
		case marker == 0xE1: // EXIF or XMP
			if o := exifOrientation(seg[4:]); o > 1 && !kept {
				out.Write(orientationSegment(o))
				kept = true
			}
		case marker == 0xED || marker == 0xFE: // Photoshop/IPTC, comment
		default:
			out.Write(seg)
		}
		i += 2 + n
		if marker == 0xDA { // start of scan: copy the coded data up to the next marker
			j := i
			for j+1 < len(data) && (data[j] != 0xFF || data[j+1] == 0x00 || (data[j+1] >= 0xD0 && data[j+1] <= 0xD7)) {
				j++
			}
			if j+1 >= len(data) {
				return nil, false
			}
			out.Write(data[i:j])
			i = j
		}
	}
	return nil, false
}

// exifOrientation reads tag 0x0112 from IFD0 of an APP1 Exif payload (0 if none).
func exifOrientation(p []byte) uint16 {
	if !bytes.HasPrefix(p, []byte("Exif\x00\x00")) || len(p) < 14 {
		return 0
	}
	t := p[6:]
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	off := uint64(bo.Uint32(t[4:8])) // unsigned: no negative offsets on 32-bit builds
	if off+2 > uint64(len(t)) {
		return 0
	}
	count := uint64(bo.Uint16(t[off : off+2]))
	for k := uint64(0); k < count; k++ {
		e := off + 2 + 12*k
		if e+12 > uint64(len(t)) {
			return 0
		}
		if bo.Uint16(t[e:e+2]) == 0x0112 {
			if v := bo.Uint16(t[e+8 : e+10]); v >= 1 && v <= 8 {
				return v
			}
		}
	}
	return 0
}

// orientationSegment is an APP1 Exif segment holding only the orientation.
func orientationSegment(o uint16) []byte {
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, // header, IFD0 at 8
		0, 1, // one entry
		0x01, 0x12, 0, 3, 0, 0, 0, 1, byte(o >> 8), byte(o), 0, 0, // orientation, SHORT, 1
		0, 0, 0, 0} // no next IFD
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

var pngDropped = map[string]bool{"eXIf": true, "tEXt": true, "iTXt": true, "zTXt": true, "tIME": true}

func stripPNG(data []byte) ([]byte, bool) {
	const sig = "\x89PNG\r\n\x1a\n"
	if !bytes.HasPrefix(data, []byte(sig)) {
		return nil, false
	}
	out := bytes.NewBuffer(make([]byte, 0, len(data)))
	out.WriteString(sig)
	for i := len(sig); i < len(data); {
		if i+8 > len(data) {
			return nil, false
		}
		n := uint64(binary.BigEndian.Uint32(data[i : i+4]))
		if i+12 > len(data) || n > uint64(len(data)-i-12) {
			return nil, false
		}
		end := i + 12 + int(n)
		if !pngDropped[string(data[i+4:i+8])] {
			out.Write(data[i:end])
		}
		if string(data[i+4:i+8]) == "IEND" {
			return out.Bytes(), true
		}
		i = end
	}
	return nil, false
}
