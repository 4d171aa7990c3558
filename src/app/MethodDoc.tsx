// "Does ABLE work?" (docs/does-able-work.md) inside the app: the measured answer, with the lab's
// plots, bundled at build time so it reads offline and always matches the shipped method.
import { marked } from 'marked';
import { useMemo, useRef, useState } from 'react';
import doc from '../../docs/does-able-work.md?raw';
import ablateSvg from '../../lab/ablate/ablate.svg?url';
import convergenceSvg from '../../lab/ablate/convergence.svg?url';
import stabilitySvg from '../../lab/ablate/stability.svg?url';

// The doc links the plots by their repository paths; in the app they are the bundled assets.
const PLOTS: Record<string, string> = {
  '../lab/ablate/ablate.svg': ablateSvg,
  '../lab/ablate/stability.svg': stabilitySvg,
  '../lab/ablate/convergence.svg': convergenceSvg,
};

/** The doc as HTML: plots shown inline, links to other repository files left as plain text. */
export function methodDocHtml(markdown: string): string {
  const renderer = new marked.Renderer();
  renderer.link = ({ href, text }) => (PLOTS[href] ? `<a href="${PLOTS[href]}" target="_blank" rel="noopener">${text}</a>` : text);
  renderer.image = ({ href, text }) => (PLOTS[href] ? `<img src="${PLOTS[href]}" alt="${text}">` : text);
  return marked.parse(markdown, { renderer, async: false });
}

export function MethodDocButton() {
  const dialog = useRef<HTMLDialogElement>(null);
  // rendered on first open: the markdown parse (~50 ms) and the plots' downloads would otherwise
  // sit in the app's first render, before the atlas is even requested
  const [opened, setOpened] = useState(false);
  // our own document, fixed at build time: not user input
  const html = useMemo(() => (opened ? methodDocHtml(doc) : ''), [opened]);
  return (
    <>
      <button
        type="button"
        className="link-button"
        onClick={() => {
          setOpened(true);
          dialog.current?.showModal();
        }}
        data-testid="method-doc-open"
      >
        Does ABLE work?
      </button>
      <dialog ref={dialog} className="method-doc" data-testid="method-doc" aria-label="Does ABLE work?">
        <form method="dialog">
          <button type="submit" data-testid="method-doc-close">
            Close
          </button>
        </form>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: the project's own markdown, bundled at build time */}
        <article dangerouslySetInnerHTML={{ __html: html }} />
      </dialog>
    </>
  );
}
