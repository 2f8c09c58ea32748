"""Every API router, mounted under /api/v1 by the app factory; each declares the error bodies it may answer."""

from fastapi import APIRouter

from fupin.api import accounts, analytics, assessment, assessment_figures, exit, imports, registry, sampling, standards
from fupin.api.errors import ERROR_RESPONSES

router = APIRouter(responses=ERROR_RESPONSES)
router.include_router(accounts.router)
router.include_router(analytics.router)
router.include_router(assessment_figures.router)
router.include_router(registry.router)
router.include_router(imports.router)
router.include_router(standards.router)
router.include_router(assessment.router)
router.include_router(exit.router)
router.include_router(sampling.router)
