export const EXTENSION_ID = 'fixpoint-dev.fixpoint';
