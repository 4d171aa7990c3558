import { describe, expect, it } from 'vitest';
import { embeddingsJson, mapSvg, neighboursCsv, safeName } from './export';

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

  it('writes the map as SVG with one circle per point and escaped text', () => {
    const svg = mapSvg(
      100,
      50,
      [
        { x: 1.234, y: 2, r: 4, fill: '#E69F00', id: 'a/<b>' },
        { x: 3, y: 4, r: 4, fill: '#56B4E9', id: 'c/d', selected: true },
      ],
      [{ x: 5, y: 6, text: 'a & b' }],
      [{ x1: 0, y1: 0, x2: 1, y2: 1, stroke: '#000' }],
    );
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toContain('<title>a/&lt;b&gt;</title>');
    expect(svg).toContain('cx="1.23"');
    expect(svg).toContain('<text x="5" y="6">a &amp; b</text>');
    expect(svg).toContain('stroke-width="2.5"');
    expect(svg.match(/<line /g)).toHaveLength(1);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"')).toBe(true);
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
