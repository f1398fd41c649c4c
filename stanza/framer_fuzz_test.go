package stanza

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// frFuzzLimits are small enough that the fuzzer reaches every limit.
var frFuzzLimits = Limits{MaxElementBytes: 600, MaxDepth: 6, MaxAttrs: 6, MaxNameBytes: 24}

// FuzzFramer checks, for any input, that the framer never panics; that it
// gives the same frames and error for the input whole, split in two at a
// fuzzer-chosen byte, and (if short) fed one byte at a time, with
// ReuseBuffer off and on; that the frames
// concatenated are the input consumed; that the frame kinds come in a legal
// order; and that an error is a *SyntaxError of a framer kind at an offset
// the framer had seen.
func FuzzFramer(f *testing.F) {
	for _, doc := range frTranscripts(f) {
		in := doc.bytes()
		f.Add(in, uint16(len(in)/2))
		for _, c := range doc.chunks[:min(3, len(doc.chunks))] {
			f.Add(c, uint16(len(c)/3))
		}
	}
	for _, s := range []string{
		"<?xml version='1.0'?>\n<s><a x='1' y=\"2\"/> <![CDATA[x]]><b>t&amp;</b></s>",
		"<s><!-- x --></s>",
		"<?xml-foo?><s>",
		"<s><a><?pi?></a></s>",
		"<!DOCTYPE s><s>",
		"<s/> ",
		"<s>]]></s>",
		"<s><a x='<'/></s>",
		"<s></s></s>",
		"<s>< a/></s>",
		"<stream:stream><message><body>" + "0123456789" + "</body></message>",
	} {
		f.Add([]byte(s), uint16(len(s)/2))
	}
	f.Fuzz(func(t *testing.T, in []byte, split uint16) {
		for _, lim := range []Limits{{}, frFuzzLimits} {
			want, wantErr := frRun(lim, in)
			frCheckConsumed(t, in, want, wantErr)
			frCheckOrder(t, want.Frames)
			if wantErr != nil {
				var se *SyntaxError
				if !errors.As(wantErr, &se) {
					t.Fatalf("Err() = %v, not a *SyntaxError", wantErr)
				}
				switch se.Kind {
				case ErrNotWellFormed, ErrRestrictedXML, ErrLimitElementSize, ErrLimitDepth, ErrLimitAttrs, ErrLimitName:
				default:
					t.Fatalf("Err() = %v, of kind %v", wantErr, se.Kind)
				}
				if se.Offset < want.Offset || se.Offset >= int64(len(in)) {
					t.Fatalf("Err() = %v, at an offset outside [%d, %d)", wantErr, want.Offset, len(in))
				}
				lc := newSyntaxError(string(in), 0, int(se.Offset), se.Kind, se.Msg)
				if se.Line != lc.Line || se.Col != lc.Col {
					t.Fatalf("Err() = %v, want line %d column %d", wantErr, lc.Line, lc.Col)
				}
			}
			chunkings := [][][]byte{}
			if len(in) > 0 {
				i := int(split) % (len(in) + 1)
				chunkings = append(chunkings, [][]byte{in[:i], in[i:]})
			}
			if len(in) <= 512 {
				bytewise := make([][]byte, len(in))
				for i := range in {
					bytewise[i] = in[i : i+1]
				}
				chunkings = append(chunkings, bytewise)
			}
			chunkings = append(chunkings, [][]byte{in}) // with reuse only: without, it is want
			for c, chunks := range chunkings {
				for _, reuse := range []bool{false, true} {
					if c == len(chunkings)-1 && !reuse {
						continue
					}
					got, _ := frRunReuse(lim, reuse, chunks...)
					if got.Err != "" {
						got.Buffered = want.Buffered
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Fatalf("limits %+v, ReuseBuffer(%v): %d chunks differ from whole input (-whole +chunks):\n%s", lim, reuse, len(chunks), diff)
					}
				}
			}
		}
	})
}

// frCheckOrder checks that frame kinds come in the order of a document: an
// optional FrameDecl first, FrameOpen once, FrameElement only inside the
// root, FrameClose once after FrameOpen, FrameText anywhere after the
// declaration, and that Depth follows.
func frCheckOrder(t *testing.T, frames []frFrame) {
	t.Helper()
	phase := 0 // 0 prolog, 1 root, 2 epilog
	for i, fr := range frames {
		ok := true
		switch fr.Kind {
		case FrameDecl:
			ok = i == 0 && fr.Offset == int64(len(fr.Data))
		case FrameOpen:
			ok = phase == 0
			phase = 1
		case FrameElement:
			ok = phase == 1 && len(fr.Data) > 0 && fr.Data[0] == '<' && fr.Data[len(fr.Data)-1] == '>'
		case FrameClose:
			ok = phase == 1
			phase = 2
		case FrameText:
			ok = len(fr.Data) > 0
		default:
			ok = false
		}
		want := 0
		if phase == 1 {
			want = 1
		}
		if !ok || fr.Depth != want {
			t.Fatalf("frame %d: %v %q at depth %d out of order: %+v", i, fr.Kind, fr.Data, fr.Depth, frames)
		}
	}
}
