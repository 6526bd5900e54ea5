import { contextBridge, ipcRenderer } from 'electron';

// The renderer gets exactly one capability: invoking a core/api method by name. No Node, no ipcRenderer.
contextBridge.exposeInMainWorld('konnektor', {
  invoke: (method: string, input: unknown) => ipcRenderer.invoke('konnektor:invoke', method, input),
});
