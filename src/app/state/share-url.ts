// What a copied share link carries: the view, not this machine's settings. `threads` is how many
// cores this device lends the engine; carried to a phone it would ask for the sender's count.
export const MACHINE_PARAMS = ['threads'] as const;

export function shareableUrl(href: string, keepMachineSettings = false): string {
  const u = new URL(href);
  if (!keepMachineSettings) for (const k of MACHINE_PARAMS) u.searchParams.delete(k);
  return u.href;
}
