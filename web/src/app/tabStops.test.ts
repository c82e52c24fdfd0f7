import { describe, expect, it } from 'vitest';
import { nextTabStop } from './tabStops';

function drawer() {
  document.body.innerHTML = `
    <aside>
      <button id="new">New Chat</button>
      <a id="chat" href="/c/1">Chat</a>
      <button id="rename" tabindex="-1">Rename</button>
      <button id="folder">New folder</button>
      <button id="delete" tabindex="-1">Delete folder</button>
    </aside>`;
  const byId = (id: string) => document.getElementById(id) as HTMLElement;
  return { byId, stops: ['new', 'chat', 'folder'].map(byId) };
}

describe('Tab inside the phone drawer', () => {
  it('moves to the next stop and wraps from the last to the first', () => {
    const { byId, stops } = drawer();
    expect(nextTabStop(stops, byId('new'), false)?.id).toBe('chat');
    expect(nextTabStop(stops, byId('folder'), false)?.id).toBe('new');
  });

  it('moves back with Shift+Tab and wraps from the first to the last', () => {
    const { byId, stops } = drawer();
    expect(nextTabStop(stops, byId('chat'), true)?.id).toBe('new');
    expect(nextTabStop(stops, byId('new'), true)?.id).toBe('folder');
  });

  it('leaves a roving button for the stop after or before it, never staying put', () => {
    const { byId, stops } = drawer();
    expect(nextTabStop(stops, byId('rename'), false)?.id).toBe('folder');
    expect(nextTabStop(stops, byId('rename'), true)?.id).toBe('chat');
    expect(nextTabStop(stops, byId('delete'), false)?.id).toBe('new');
    expect(nextTabStop(stops, byId('delete'), true)?.id).toBe('folder');
  });

  it('starts at the first stop when focus is outside the drawer', () => {
    const { stops } = drawer();
    expect(nextTabStop(stops, null, false)?.id).toBe('new');
    expect(nextTabStop(stops, null, true)?.id).toBe('folder');
  });
});
