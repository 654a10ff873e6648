import { describe, expect, it } from 'vitest';
import { LENGTHS, OPCODES, Op, decodeOperands, encode, stackEffect } from '../../vm/opcodes.ts';

describe('the opcode table', () => {
  it('numeric constants agree with the table', () => {
    for (const info of OPCODES) expect(Op[info.name as keyof typeof Op]).toBe(info.code);
    expect(Object.keys(Op).length).toBe(OPCODES.length);
  });

  it('every opcode has a meaning and a consistent length', () => {
    for (const info of OPCODES) {
      expect(info.meaning.length).toBeGreaterThan(5);
      expect(LENGTHS[info.code]).toBeGreaterThanOrEqual(1);
    }
    expect(LENGTHS[Op.PUSH_CLOSURE]).toBe(6);
    expect(LENGTHS[Op.SEND]).toBe(4);
  });

  it('encodes and decodes operands of every kind', () => {
    const out: number[] = [];
    encode(out, 'PUSH_INT', -5);
    encode(out, 'JUMP', -300);
    encode(out, 'SEND', 513, 2);
    const code = Uint8Array.from(out);
    expect(decodeOperands(code, 0)).toEqual([-5]);
    expect(decodeOperands(code, 2)).toEqual([-300]);
    expect(decodeOperands(code, 5)).toEqual([513, 2]);
    expect(stackEffect(code, 5)).toBe(-2);
  });

  it('rejects operands outside their range', () => {
    expect(() => encode([], 'PUSH_INT', 128)).toThrow(/outside i8/);
    expect(() => encode([], 'PUSH_LITERAL', 70000)).toThrow(/outside u16/);
    expect(() => encode([], 'POP', 1)).toThrow(/takes 0 operands/);
  });
});
