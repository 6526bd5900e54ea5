export * from './YearEndWizard';
