// The places Tab stops inside a part of the page, as the browser would choose
// them: no roving buttons (tabindex -1), nothing disabled, and nothing hidden or
// without size, such as a chat's Select checkbox before the row is pointed at.
const candidates =
  'a[href], button, input, select, textarea, summary, [tabindex], [contenteditable]:not([contenteditable="false"])';

function isTabStop(el: HTMLElement): boolean {
  if (el.tabIndex < 0 || el.matches(':disabled') || el.closest('[inert]')) return false;
  if (el instanceof HTMLInputElement && el.type === 'hidden') return false;
  const box = el.getBoundingClientRect();
  if (box.width === 0 || box.height === 0) return false;
  return getComputedStyle(el).visibility === 'visible';
}

export function tabStopsIn(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(candidates)].filter(isTabStop);
}

/**
 * Where Tab (or Shift+Tab) goes from `from` among `stops`, wrapping at either end.
 * `from` need not be a stop: focus on a roving button moves to the stop after it.
 */
export function nextTabStop(
  stops: HTMLElement[],
  from: Element | null,
  back: boolean,
): HTMLElement | undefined {
  const after = (el: HTMLElement) =>
    !!from &&
    from !== el &&
    !!(from.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  const before = (el: HTMLElement) =>
    !!from &&
    from !== el &&
    !!(from.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING);
  return back
    ? (stops.findLast(before) ?? stops[stops.length - 1])
    : (stops.find(after) ?? stops[0]);
}
