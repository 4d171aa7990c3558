// The map's plain dots drawn with WebGL (one gl.POINTS call), for atlases too large for canvas 2D
// (tens of thousands of models): positions go to the GPU once, and a pan or zoom only changes
// three uniforms. Selection rings, edges, labels and the marker stay on the 2-D canvas above it
// (painter.ts); hit-testing does not read this layer (MapCanvas uses a quadtree).
import { color } from 'd3';

export interface GlPoints {
  /** base screen positions (the fit, before zoom), fill colours and radii in CSS px, in drawing order */
  setPoints(xy: Float32Array, rgba: Uint8Array, r: Float32Array): void;
  /** clears to `background` and draws the points under the zoom {k, x, y} */
  draw(view: { k: number; x: number; y: number }, width: number, height: number, dpr: number, background: string, ink: string): void;
  dispose(): void;
}

const VERTEX = `
attribute vec2 a_xy;
attribute vec4 a_rgba;
attribute float a_r;
uniform vec3 u_zoom;   // k, x, y
uniform vec2 u_size;   // CSS px
uniform float u_dpr;
varying vec4 v_rgba;
varying float v_r;
void main() {
  vec2 p = u_zoom.yz + u_zoom.x * a_xy;
  gl_Position = vec4(p.x / u_size.x * 2.0 - 1.0, 1.0 - p.y / u_size.y * 2.0, 0.0, 1.0);
  gl_PointSize = (a_r + 1.0) * 2.0 * u_dpr;
  v_rgba = a_rgba;
  v_r = a_r;
}`;

// A disc of radius r with a 0.6 px ink outline, as painter.ts strokes a plain dot.
const FRAGMENT = `
precision mediump float;
uniform vec4 u_ink;
varying vec4 v_rgba;
varying float v_r;
void main() {
  float d = length(gl_PointCoord * 2.0 - 1.0) * (v_r + 1.0);
  if (d > v_r + 0.3) discard;
  gl_FragColor = d > v_r - 0.3 ? u_ink : v_rgba;
}`;

const rgbaCache = new Map<string, [number, number, number, number]>();
/** A CSS colour as 0-255 RGBA (d3's parser; unknown strings become grey). */
export function cssRgba(css: string): [number, number, number, number] {
  let v = rgbaCache.get(css);
  if (!v) {
    const c = color(css)?.rgb();
    v = c ? [Math.round(c.r), Math.round(c.g), Math.round(c.b), Math.round(c.opacity * 255)] : [128, 128, 128, 255];
    rgbaCache.set(css, v);
  }
  return v;
}

/** A WebGL point layer on `canvas`, or null where WebGL is unavailable. */
export function createGlPoints(canvas: HTMLCanvasElement): GlPoints | null {
  const gl = canvas.getContext('webgl', { antialias: false, premultipliedAlpha: false });
  if (!gl) return null;
  const shader = (type: number, src: string) => {
    const s = gl.createShader(type)!;
    gl.shaderSource(s, src);
    gl.compileShader(s);
    if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(`map WebGL shader: ${gl.getShaderInfoLog(s)}`);
    return s;
  };
  const prog = gl.createProgram()!;
  gl.attachShader(prog, shader(gl.VERTEX_SHADER, VERTEX));
  gl.attachShader(prog, shader(gl.FRAGMENT_SHADER, FRAGMENT));
  gl.linkProgram(prog);
  if (!gl.getProgramParameter(prog, gl.LINK_STATUS)) throw new Error(`map WebGL program: ${gl.getProgramInfoLog(prog)}`);
  const buffers = { xy: gl.createBuffer()!, rgba: gl.createBuffer()!, r: gl.createBuffer()! };
  const loc = { xy: gl.getAttribLocation(prog, 'a_xy'), rgba: gl.getAttribLocation(prog, 'a_rgba'), r: gl.getAttribLocation(prog, 'a_r') };
  const u = {
    zoom: gl.getUniformLocation(prog, 'u_zoom'),
    size: gl.getUniformLocation(prog, 'u_size'),
    dpr: gl.getUniformLocation(prog, 'u_dpr'),
    ink: gl.getUniformLocation(prog, 'u_ink'),
  };
  let count = 0;
  const upload = (buf: WebGLBuffer, data: ArrayBufferView, at: number, size: number, type: number, normalized: boolean) => {
    gl.bindBuffer(gl.ARRAY_BUFFER, buf);
    gl.bufferData(gl.ARRAY_BUFFER, data, gl.STATIC_DRAW);
    gl.enableVertexAttribArray(at);
    gl.vertexAttribPointer(at, size, type, normalized, 0, 0);
  };
  return {
    setPoints(xy, rgba, r) {
      count = r.length;
      upload(buffers.xy, xy, loc.xy, 2, gl.FLOAT, false);
      upload(buffers.rgba, rgba, loc.rgba, 4, gl.UNSIGNED_BYTE, true);
      upload(buffers.r, r, loc.r, 1, gl.FLOAT, false);
    },
    draw(view, width, height, dpr, background, ink) {
      const w = Math.round(width * dpr);
      const h = Math.round(height * dpr);
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
      }
      gl.viewport(0, 0, w, h);
      const [br, bg, bb, ba] = cssRgba(background);
      gl.clearColor(br / 255, bg / 255, bb / 255, ba / 255);
      gl.clear(gl.COLOR_BUFFER_BIT);
      if (!count) return;
      // biome-ignore lint/correctness/useHookAtTopLevel: WebGL's useProgram, not a React hook
      gl.useProgram(prog);
      gl.uniform3f(u.zoom, view.k, view.x, view.y);
      gl.uniform2f(u.size, width, height);
      gl.uniform1f(u.dpr, dpr);
      const [ir, ig, ib] = cssRgba(ink);
      gl.uniform4f(u.ink, ir / 255, ig / 255, ib / 255, 1);
      gl.drawArrays(gl.POINTS, 0, count);
    },
    dispose() {
      for (const b of Object.values(buffers)) gl.deleteBuffer(b);
      gl.deleteProgram(prog);
    },
  };
}
