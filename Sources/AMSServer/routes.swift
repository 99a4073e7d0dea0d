import Vapor

func routes(_ app: Application) throws {
    try app.register(collection: HealthController())
    try app.register(collection: DashboardController())
    try app.register(collection: AuthController())
    try app.register(collection: PasswordController())
    try app.register(collection: AdminAgencyController())
    try app.register(collection: AdminUserController())
    try app.register(collection: OutboxController())
    try app.register(collection: AuditController())
    try app.register(collection: RegistrationController())
    try app.register(collection: ApplicantController())
    try app.register(collection: LegalController())
    try app.register(collection: ProfileController())
    try app.register(collection: RequestQueueController())
    try app.register(collection: SLAReportController())
    try app.register(collection: AdminAPIKeyController())
    try app.register(collection: APIController())
    APIController.registerUploadRoute(app.routes, uploadMaxBytes: app.ams.configuration.uploadMaxBytes)
    RegistrationController.registerUploadRoute(app.routes, uploadMaxBytes: app.ams.configuration.uploadMaxBytes)
}
