/**
 * The command line's raw deflate for history blocks: node:zlib, which writes the same bytes as the
 * browser's CompressionStream('deflate-raw') and reads what it writes.
 */
import zlib from 'node:zlib';
import { zlibCompression } from '../worker/stores/history/zlib-compression';

export const nodeCompression = zlibCompression(zlib);
