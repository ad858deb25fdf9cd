/** Types of scripts/make-icon.mjs for the tests. */
export declare const SIZE: number;
export declare const ICON_PATH: string;
/** RGBA bytes of the 128×128 icon, row by row. */
export declare function drawIcon(): Buffer;
/** A PNG (8-bit RGBA) of `rgba`. */
export declare function encodePng(rgba: Buffer, width?: number, height?: number): Buffer;
