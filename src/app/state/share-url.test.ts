import { describe, expect, it } from 'vitest';
import { shareableUrl } from './share-url';

describe('share links carry no machine settings unless asked (issue 13 defect 6)', () => {
  it('drops threads, keeps the view', () => {
    expect(shareableUrl('https://x.org/?v=1&sel=a%2Fb&threads=1000000#h')).toBe('https://x.org/?v=1&sel=a%2Fb#h');
    expect(shareableUrl('https://x.org/?threads=4&v=1', true)).toBe('https://x.org/?threads=4&v=1');
  });
});
