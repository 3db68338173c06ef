import { describe, expect, it } from 'vitest';
import { describeModelIo, type TensorMetadata } from './model-io.js';
import { UnsupportedModelError } from './runtime-errors.js';

const t = (name: string, type: string, shape: (number | string)[]): TensorMetadata => ({
  name,
  isTensor: true,
  type,
  shape,
});

describe('describeModelIo', () => {
  it('reads an fp16 Optimum decoder with int64 ids, no position_ids and symbolic heads from hints', () => {
    const inputs = [
      t('input_ids', 'int64', ['batch', 'seq']),
      t('attention_mask', 'int64', ['batch', 'total']),
      t('past_key_values.0.key', 'float16', ['batch', 'heads', 'past', 'head']),
      t('past_key_values.0.value', 'float16', ['batch', 'heads', 'past', 'head']),
      t('past_key_values.1.key', 'float16', ['batch', 'heads', 'past', 'head']),
      t('past_key_values.1.value', 'float16', ['batch', 'heads', 'past', 'head']),
    ];
    const outputs = [
      t('logits', 'float16', ['batch', 'seq', 'vocab']),
      t('present.0.key', 'float16', []),
      t('present.0.value', 'float16', []),
      t('present.1.key', 'float16', []),
      t('present.1.value', 'float16', []),
    ];
    const io = describeModelIo('m.onnx', inputs, outputs, {}, { kvHeads: 2, headSize: 64 });
    expect(io).toMatchObject({
      positionIds: undefined,
      idDtype: 'int64',
      kvDtype: 'float16',
      logitsDtype: 'float16',
      numLayers: 2,
      kvHeads: 2,
      headSize: 64,
      vocabSize: undefined,
    });
    expect(io.kv.map((b) => [b.input, b.output, b.layer, b.packed])).toEqual([
      ['past_key_values.0.key', 'present.0.key', 0, false],
      ['past_key_values.0.value', 'present.0.value', 0, false],
      ['past_key_values.1.key', 'present.1.key', 1, false],
      ['past_key_values.1.value', 'present.1.value', 1, false],
    ]);
  });

  it('reads KV outputs of new positions only (weft model optimize --append-kv); refuses a mix', () => {
    const inputs = [
      t('input_ids', 'int64', ['b', 's']),
      t('attention_mask', 'int64', ['b', 't']),
      t('past_key_values.0.key', 'float32', ['b', 2, 'p', 8]),
      t('past_key_values.0.value', 'float32', ['b', 2, 'p', 8]),
    ];
    const outputs = (valueName: string) => [
      t('logits', 'float32', ['b', 's', 10]),
      t('present.0.key.new_positions', 'float32', ['b', 2, 's', 8]),
      t(valueName, 'float32', ['b', 2, 's', 8]),
    ];
    const io = describeModelIo('a.onnx', inputs, outputs('present.0.value.new_positions'));
    expect(io.kvOutputs).toBe('new-positions');
    expect(io.kv.map((b) => b.output)).toEqual([
      'present.0.key.new_positions',
      'present.0.value.new_positions',
    ]);
    expect(() => describeModelIo('a.onnx', inputs, outputs('present.0.value'))).toThrow(
      '1 of 2 KV outputs hold new positions only (.new_positions); all or none must, and not with packed KV',
    );
  });

  it('reads a genai decoder with packed past_N KV, int32 ids and static shapes', () => {
    const inputs = [
      t('input_ids', 'int32', ['b', 's']),
      t('position_ids', 'int32', ['b', 's']),
      t('attention_mask', 'int32', ['b', 't']),
      t('past_0', 'float32', [2, 'b', 4, 'p', 8]),
    ];
    const outputs = [
      t('logits', 'float32', ['b', 's', 1000]),
      t('present_0', 'float32', [2, 'b', 4, 't', 8]),
    ];
    const io = describeModelIo('past.onnx', inputs, outputs, {
      pastNames: ['past_%d'],
      presentNames: ['present_%d'],
    });
    expect(io).toMatchObject({
      idDtype: 'int32',
      positionIds: 'position_ids',
      kvHeads: 4,
      headSize: 8,
      vocabSize: 1000,
    });
    expect(io.kv).toEqual([{ input: 'past_0', output: 'present_0', layer: 0, packed: true }]);
  });

  it('refuses what it cannot drive, naming the file and the tensor', () => {
    const ids = t('input_ids', 'int64', ['b', 's']);
    const mask = t('attention_mask', 'int64', ['b', 't']);
    const logits = t('logits', 'float32', ['b', 's', 10]);
    expect(() => describeModelIo('a.onnx', [ids, mask], [logits])).toThrow(UnsupportedModelError);
    expect(() => describeModelIo('a.onnx', [ids, mask], [logits])).toThrow(
      '"a.onnx" is not a decoder model Weft can run: no past KV inputs',
    );
    expect(() =>
      describeModelIo('b.onnx', [ids, mask, t('token_type_ids', 'int64', ['b', 's'])], [logits]),
    ).toThrow('unexpected inputs "token_type_ids"');
    expect(() =>
      describeModelIo(
        'c.onnx',
        [ids, mask, t('past_key_values.0.key', 'float32', ['b', 2, 'p', 4])],
        [logits],
      ),
    ).toThrow('KV input "past_key_values.0.key" has no matching present output');
    const past = t('past_key_values.0.key', 'float32', ['b', 2, 'p', 4]);
    const present = t('present.0.key', 'float32', ['b', 2, 't', 4]);
    expect(() =>
      describeModelIo('d.onnx', [t('input_ids', 'float32', ['b', 's']), mask, past], [logits, present]),
    ).toThrow('input "input_ids" has element type "float32", expected int32 or int64');
    expect(() => describeModelIo('e.onnx', [mask], [logits])).toThrow('no input named "input_ids"');
  });
});
