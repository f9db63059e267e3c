// cem analyze --litelement: the element's manifest. The element dispatches its events through one helper
// (`new CustomEvent(type, …)`), which the analyzer reads as an event named "type"; the documented events
// are the @fires tags, so only those are kept.
export default {
  litelement: true,
  globs: ['src/**/*.ts'],
  exclude: ['src/runtime/**'],
  plugins: [
    {
      name: 'documented-events-only',
      packageLinkPhase({ customElementsManifest }) {
        for (const module of customElementsManifest.modules) {
          for (const declaration of module.declarations ?? []) {
            if (declaration.events) declaration.events = declaration.events.filter((event) => event.description);
          }
        }
      },
    },
  ],
};
