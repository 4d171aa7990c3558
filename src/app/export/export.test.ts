import { describe, expect, it } from 'vitest';
import { LIGHT, ringOf } from '../map/painter';
import { EDGE_STYLE, edgeStyle, type Scene } from '../map/scene';
import { embeddingsJson, legendLayout, mapSvg, neighboursCsv, safeName } from './export';

describe('exports', () => {
  it('writes neighbours as RFC 4180 CSV with quoting', () => {
    const csv = neighboursCsv('a/b', [
      { rank: 1, id: 'c/d', cosine: 0.98765432, family: 'Fam, "x"', organisation: 'c', paramsB: 0.5 },
      { rank: 2, id: 'e/f', cosine: -0.25, family: 'F', organisation: 'e', paramsB: null },
    ]);
    expect(csv).toBe(
      'selected,rank,neighbour,cosine,family,organisation,params_b\r\n' +
        'a/b,1,c/d,0.987654,"Fam, ""x""",c,0.5\r\n' +
        'a/b,2,e/f,-0.250000,F,e,\r\n',
    );
  });

  it('writes the map scene as SVG: circles with titles, rings, dashed edges, haloed labels, title and legend', () => {
    const scene: Scene = {
      width: 100,
      height: 50,
      points: [
        { index: 0, id: 'a/<b>', x: 1.234, y: 2, r: 4, fill: '#E69F00', role: 'plain' },
        { index: 1, id: 'c/d', x: 3, y: 4, r: 4, fill: '#56B4E9', role: 'selected' },
        { index: 2, id: 'e/f', x: 30, y: 4, r: 4, fill: '#56B4E9', role: 'neighbour' },
      ],
      edges: [
        { x1: 0, y1: 0, x2: 1, y2: 1, type: 'merge' },
        { x1: 0, y1: 0, x2: 1, y2: 1, type: 'fine-tune' },
      ],
      labels: [{ index: 0, x: 5, y: 6, w: 20, h: 12, text: 'a & b', kind: 'point' }],
      contours: ['M0,0L1,1Z'],
      marker: null,
    };
    const legend = legendLayout(
      'ABLE Atlas: 3 models',
      { kind: 'categorical', title: 'Family', items: [{ label: 'Fam <1>', colour: '#E69F00', count: 2 }] },
      Object.entries(EDGE_STYLE).map(([type, st]) => ({ type, ...st })),
      [{ text: 'selected: c/d', colour: '#000', dash: [] }],
      (t) => t.length * 7,
    );
    const svg = mapSvg(scene, legend, LIGHT, (p) => ringOf(p, LIGHT), edgeStyle, '#E7298A');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"')).toBe(true);
    expect(svg).toContain('<title>ABLE Atlas: 3 models</title>');
    // 3 points, a ring for the selected and one for the neighbour, the legend's swatch
    expect(svg.match(/<circle /g)).toHaveLength(3 + 2 + 1);
    expect(svg).toContain('<title>a/&lt;b&gt;</title>');
    expect(svg).toContain('cx="1.23"');
    expect(svg).toContain('class="ring neighbour"');
    expect(svg).toContain('stroke-dasharray="2 2"');
    // edges keep their dash patterns, in the map and in the legend
    expect(svg).toContain(`stroke-dasharray="${EDGE_STYLE.merge.dash.join(' ')}" data-type="merge"`);
    for (const st of Object.values(EDGE_STYLE)) if (st.dash.length) expect(svg).toContain(`stroke-dasharray="${st.dash.join(' ')}"`);
    expect(svg).toContain('paint-order="stroke"');
    expect(svg).toContain('>a &amp; b</text>');
    const entries = [...svg.matchAll(/data-legend-entry="">([^<]*)</g)].map((m) => m[1]);
    expect(entries).toEqual(['Fam &lt;1&gt; (2)', 'selected: c/d', ...Object.keys(EDGE_STYLE)]);
  });

  it('writes embeddings as JSON that parses back to the same numbers', () => {
    const v = Float32Array.from([0.5, -0.25, 1e-3]);
    const back = JSON.parse(embeddingsJson('abc', 3, [{ id: 'a/b', vector: v }]));
    expect(back.specHash).toBe('abc');
    expect(back.models[0].vector).toEqual([0.5, -0.25, Math.fround(1e-3)]);
  });

  it('makes safe file names', () => {
    expect(safeName('HuggingFaceTB/SmolLM2-135M Instruct')).toBe('HuggingFaceTB_SmolLM2-135M_Instruct');
  });
});

describe('CSV formula neutralising (issue 13 defect 11)', () => {
  it('cells starting with =, +, -, @ are written as text; negative numbers stay numbers', () => {
    const csv = neighboursCsv('=HYPERLINK("http://x","y")', [
      { rank: 1, id: '+cmd|/c calc', cosine: -0.25, family: '@SUM(A1)', organisation: '-2+3', paramsB: -1 },
      { rank: 2, id: 'org/plain', cosine: 0.5, family: '\tx', organisation: 'o', paramsB: null },
    ]);
    const lines = csv.split('\r\n');
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://x"",""y"")",1,'+cmd|/c calc,-0.250000,'@SUM(A1),'-2+3,-1`);
    expect(lines[2]).toBe(`"'=HYPERLINK(""http://x"",""y"")",2,org/plain,0.500000,'\tx,o,`);
  });
});
