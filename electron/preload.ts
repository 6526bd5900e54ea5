import { contextBridge, ipcRenderer } from 'electron';
import type { KonnektorBridge } from '../core/api/bridge';

// The renderer gets exactly one capability: invoking a core/api method by name. No Node, no ipcRenderer.
// (Sandboxed preloads cannot import local modules, so the channel name is repeated from electron/ipc.ts.)
const bridge: KonnektorBridge = {
  invoke: (method: string, input: unknown) => ipcRenderer.invoke('konnektor:invoke', method, input),
};

contextBridge.exposeInMainWorld('konnektor', bridge);
