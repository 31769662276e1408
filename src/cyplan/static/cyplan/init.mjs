// Start GOV.UK Frontend's components (header menu, notification banners, details…).
import { initAll } from "../govuk-frontend/govuk/govuk-frontend.min.js";

initAll();
