import type { AnyCalculatorDefinition, CalculatorRegistry } from '@weft/framework';
import { BeginLoopCalculator } from './begin-loop.js';
import { ConstantSidePacketCalculator } from './constant-side-packet.js';
import { EndLoopCalculator } from './end-loop.js';
import { FlowLimiterCalculator } from './flow-limiter.js';
import { GateCalculator } from './gate.js';
import { L2NormalizeCalculator, l2Normalize } from './l2-normalize.js';
import { MapCalculator } from './map.js';
import { MatryoshkaTruncateCalculator, truncateLastAxis } from './matryoshka-truncate.js';
import { MuxCalculator } from './mux.js';
import { PacketClonerCalculator } from './packet-cloner.js';
import { PassThroughCalculator } from './pass-through.js';
import { POOLING_MODES, PoolingCalculator, type PoolingMode, pool } from './pooling.js';
import { PreviousLoopbackCalculator } from './previous-loopback.js';
import { SequenceSourceCalculator } from './sequence-source.js';
import { SidePacketToStreamCalculator } from './side-packet-to-stream.js';

export { builtinMapFunctions } from './builtin-map-functions.js';
export { CalculatorError, type CalculatorErrorCode, calculatorsErrorCodes } from './errors.js';
export {
  type MapCallInfo,
  type MapFunction,
  MapFunctionRegistry,
  mapFunctions,
  registerMapFunction,
} from './map-functions.js';
export {
  BeginLoopCalculator,
  ConstantSidePacketCalculator,
  EndLoopCalculator,
  FlowLimiterCalculator,
  GateCalculator,
  L2NormalizeCalculator,
  l2Normalize,
  MapCalculator,
  MatryoshkaTruncateCalculator,
  MuxCalculator,
  PacketClonerCalculator,
  PassThroughCalculator,
  POOLING_MODES,
  PoolingCalculator,
  type PoolingMode,
  PreviousLoopbackCalculator,
  pool,
  SequenceSourceCalculator,
  SidePacketToStreamCalculator,
  truncateLastAxis,
};

/** Every general-purpose calculator of this package. */
export const builtinCalculators: readonly AnyCalculatorDefinition[] = [
  PassThroughCalculator,
  PacketClonerCalculator,
  GateCalculator,
  FlowLimiterCalculator,
  BeginLoopCalculator,
  EndLoopCalculator,
  MuxCalculator,
  PreviousLoopbackCalculator,
  SidePacketToStreamCalculator,
  ConstantSidePacketCalculator,
  MapCalculator,
  SequenceSourceCalculator,
  PoolingCalculator,
  L2NormalizeCalculator,
  MatryoshkaTruncateCalculator,
];

export function registerBuiltinCalculators(registry: CalculatorRegistry): void {
  registry.register(...builtinCalculators);
}
