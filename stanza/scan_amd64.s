//go:build amd64 && !purego

#include "textflag.h"

// The SSE2 scans of encScanText, encScanAttr and encAttrSSE (SSE2 is in
// every amd64 processor): sixteen bytes a step, and the bytes after the
// last full step read in one more load of sixteen, which never leaves the
// page of the input's last byte: from the offset reached when the page has
// sixteen bytes more, else ending at the input's end (bytes before the
// offset reached are then dropped from the mask).

// scanConst holds the bytes the scans compare with, sixteen of each: 0x20
// (below it, or from 0x80 as a signed byte), &, <, >, " and '.

DATA scanConst<>+0x00(SB)/8, $0x2020202020202020
DATA scanConst<>+0x08(SB)/8, $0x2020202020202020
DATA scanConst<>+0x10(SB)/8, $0x2626262626262626
DATA scanConst<>+0x18(SB)/8, $0x2626262626262626
DATA scanConst<>+0x20(SB)/8, $0x3c3c3c3c3c3c3c3c
DATA scanConst<>+0x28(SB)/8, $0x3c3c3c3c3c3c3c3c
DATA scanConst<>+0x30(SB)/8, $0x3e3e3e3e3e3e3e3e
DATA scanConst<>+0x38(SB)/8, $0x3e3e3e3e3e3e3e3e
DATA scanConst<>+0x40(SB)/8, $0x2222222222222222
DATA scanConst<>+0x48(SB)/8, $0x2222222222222222
DATA scanConst<>+0x50(SB)/8, $0x2727272727272727
DATA scanConst<>+0x58(SB)/8, $0x2727272727272727
GLOBL scanConst<>(SB), (RODATA|NOPTR), $96

// TEXTMASK sets to 0xFF the bytes of X1 whose byte in X0 is below 0x20 or
// from 0x80 (one signed compare), '&', '<' or '>', and the others to 0 (X8
// to X11 hold the first four constants).
#define TEXTMASK \
	MOVO    X8, X1 \
	PCMPGTB X0, X1 \
	MOVO    X0, X2 \
	PCMPEQB X9, X2 \
	POR     X2, X1 \
	MOVO    X0, X2 \
	PCMPEQB X10, X2 \
	POR     X2, X1 \
	MOVO    X0, X2 \
	PCMPEQB X11, X2 \
	POR     X2, X1

// ATTRMASK is TEXTMASK with '"' and '\'' too (X12 and X13).
#define ATTRMASK \
	TEXTMASK \
	MOVO    X0, X2 \
	PCMPEQB X12, X2 \
	POR     X2, X1 \
	MOVO    X0, X2 \
	PCMPEQB X13, X2 \
	POR     X2, X1

// CONSTS loads the constants MASK compares with into X8 to X13.
#define CONSTS \
	MOVOU   scanConst<>+0x00(SB), X8 \
	MOVOU   scanConst<>+0x10(SB), X9 \
	MOVOU   scanConst<>+0x20(SB), X10 \
	MOVOU   scanConst<>+0x30(SB), X11 \
	MOVOU   scanConst<>+0x40(SB), X12 \
	MOVOU   scanConst<>+0x50(SB), X13

// COPYBYTES copies the bytes from offset FROM (below N) to N of the memory
// at SI to the memory at DI, one by one, in R9 and R10.
#define COPYBYTES(FROM, N, LOOP) \
	MOVQ    FROM, R9 \
LOOP: \
	MOVB    (SI)(R9*1), R10 \
	MOVB    R10, (DI)(R9*1) \
	INCQ    R9 \
	CMPQ    R9, N \
	JLT     LOOP

// SCAN(MASK, STORE, PAGEEND, DONE, OUT) is the body of the scans, with SI
// holding p, BX n and X8 to X13 the constants: the offset of the first
// byte MASK flags goes to OUT, or n if there is none. STORE runs after
// each load at offset AX (a copy writes X0 to DI there), PAGEEND before
// the load that ends at n (a copy writes the bytes from AX on there, one
// by one), DONE when no byte is flagged.
#define SCAN(MASK, STORE, PAGEEND, DONE, OUT) \
	XORQ    AX, AX \
loop: \
	LEAQ    16(AX), DX \
	CMPQ    DX, BX \
	JHI     tail \
	MOVOU   (SI)(AX*1), X0 \
	STORE \
	MASK \
	PMOVMSKB X1, CX \
	TESTL   CX, CX \
	JNZ     found \
	MOVQ    DX, AX \
	JMP     loop \
found: \
	BSFL    CX, CX \
	ADDQ    CX, AX \
	MOVQ    AX, OUT \
	RET \
tail: \
	CMPQ    AX, BX \
	JEQ     done \
	LEAQ    (SI)(AX*1), R8 \
	MOVQ    R8, DX \
	ANDQ    $4095, DX \
	CMPQ    DX, $4080 \
	JHI     pageend \
	MOVOU   (R8), X0 \
	STORE \
	MASK \
	PMOVMSKB X1, DX \
	MOVQ    BX, CX \
	SUBQ    AX, CX \
	MOVL    $1, R8 \
	SHLL    CX, R8 \
	DECL    R8 \
	ANDL    R8, DX \
	JZ      done \
	BSFL    DX, DX \
	ADDQ    DX, AX \
	MOVQ    AX, OUT \
	RET \
pageend: \
	PAGEEND \
	MOVOU   -16(SI)(BX*1), X0 \
	MASK \
	PMOVMSKB X1, DX \
	MOVQ    AX, CX \
	SUBQ    BX, CX \
	ADDQ    $16, CX \
	SHRL    CX, DX \
	TESTL   DX, DX \
	JZ      done \
	BSFL    DX, DX \
	ADDQ    DX, AX \
	MOVQ    AX, OUT \
	RET \
done: \
	DONE \
	MOVQ    BX, OUT \
	RET

// What the scans that copy nothing do at those places: nothing.
#define NOTHING

// STOREX0 writes the sixteen bytes loaded to DI at the same offset.
#define STOREX0 MOVOU X0, (DI)(AX*1)

// COPYREST writes the bytes from AX to BX one by one.
#define COPYREST COPYBYTES(AX, BX, copyrest)

// QUOTE writes the closing quote after the value.
#define QUOTE MOVB $0x27, (DI)(BX*1)

// func encScanText(p *byte, n int) int
TEXT ·encScanText(SB), NOSPLIT, $0-24
	MOVQ    p+0(FP), SI
	MOVQ    n+8(FP), BX
	CONSTS
	SCAN(TEXTMASK, NOTHING, NOTHING, NOTHING, ret+16(FP))

// func encScanAttr(p *byte, n int) int
TEXT ·encScanAttr(SB), NOSPLIT, $0-24
	MOVQ    p+0(FP), SI
	MOVQ    n+8(FP), BX
	CONSTS
	SCAN(ATTRMASK, NOTHING, NOTHING, NOTHING, ret+16(FP))

// func encAttrSSE(dst *byte, open, value string) int
//
// encAttrSSE writes open and then value to dst, up to value's first byte
// that ATTRMASK flags, and the closing quote after value if there is none.
// It returns the number of value's bytes before that one (or len(value)).
// It writes sixteen bytes a step, so up to sixteen past those it returns
// (and past open, when open is sixteen bytes or fewer): dst has room for
// them.
TEXT ·encAttrSSE(SB), NOSPLIT, $0-48
	MOVQ    dst+0(FP), DI
	MOVQ    open_base+8(FP), SI
	MOVQ    open_len+16(FP), CX
	// open, in one load where it is sixteen bytes or fewer and the
	// sixteen bytes from its start are in its page, else byte by byte.
	TESTQ   CX, CX
	JEQ     value
	CMPQ    CX, $16
	JHI     obytes
	MOVQ    SI, DX
	ANDQ    $4095, DX
	CMPQ    DX, $4080
	JHI     obytes
	MOVOU   (SI), X0
	MOVOU   X0, (DI)
	JMP     value
obytes:
	COPYBYTES($0, CX, obyte)
value:
	ADDQ    CX, DI
	MOVQ    value_base+24(FP), SI
	MOVQ    value_len+32(FP), BX
	CONSTS
	SCAN(ATTRMASK, STOREX0, COPYREST, QUOTE, ret+40(FP))
