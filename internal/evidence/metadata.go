package evidence

import (
	"bytes"
	"encoding/binary"
)

// StripMetadata removes what a phone writes into a picture besides the
// picture — GPS position, device, time, comments — before the other party
// can download it. A JPEG keeps only its orientation (so it is not shown
// sideways); a PNG loses its eXIf and text chunks. PDFs and anything not
// understood are returned as they are.
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
	}
	return data
}

func stripJPEG(data []byte) ([]byte, bool) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil, false
	}
	out := bytes.NewBuffer(make([]byte, 0, len(data)))
	out.Write(data[:2])
	kept := false // the orientation, rewritten where the EXIF block was
	i := 2
	for i+4 <= len(data) {
		if data[i] != 0xFF {
			return nil, false
		}
		marker := data[i+1]
		if marker == 0xDA { // start of scan: the picture itself follows
			out.Write(data[i:])
			return out.Bytes(), true
		}
		n := int(binary.BigEndian.Uint16(data[i+2 : i+4]))
		if n < 2 || i+2+n > len(data) {
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
	off := int(bo.Uint32(t[4:8]))
	if off+2 > len(t) {
		return 0
	}
	count := int(bo.Uint16(t[off : off+2]))
	for k := 0; k < count; k++ {
		e := off + 2 + 12*k
		if e+12 > len(t) {
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
		n := int(binary.BigEndian.Uint32(data[i : i+4]))
		end := i + 12 + n
		if n < 0 || end > len(data) {
			return nil, false
		}
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
