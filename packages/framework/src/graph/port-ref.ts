/** Where something was written: 1-based line and column in a YAML file. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** A parsed port `TAG:index:name`; untagged ports have tag `''`. */
export interface PortRef {
  readonly tag: string;
  readonly index: number;
  readonly name: string;
  /** Only on node inputs: marked `back_edge: true` in `input_stream_info`. */
  readonly backEdge?: boolean;
  readonly location: SourceLocation;
}
